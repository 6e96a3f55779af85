"""Every setting Reclaim reads, in one place.

Settings come from environment variables prefixed ``RECLAIM_`` (or a ``.env`` file in the
working directory). Each one is documented in the README's configuration table; a test fails
when a setting is added here but not there.

In production Reclaim refuses to start without real secrets. In development it creates local
keys under the data directory the first time it runs, so `make run` works on a fresh clone
without anyone inventing (or committing) a secret.
"""

from __future__ import annotations

import base64
import os
import secrets
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["ConfigurationError", "Environment", "Settings", "get_settings", "reset_settings"]

_PLACEHOLDERS = {
    "",
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "secret-key",
    "secretkey",
    "your-secret-key",
    "placeholder",
    "xxx",
    "todo",
    "dev",
    "development",
    "test",
    "insecure",
    "password",
}


class ConfigurationError(Exception):
    """Raised when the configuration cannot be used; the message says what to change."""


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Reclaim's configuration. Field names map to ``RECLAIM_<NAME>`` environment variables."""

    model_config = SettingsConfigDict(
        env_prefix="RECLAIM_", env_file=".env", extra="ignore", frozen=True
    )

    env: Environment = Field(
        Environment.DEVELOPMENT,
        description="`development` or `production`. Production refuses placeholder or patterned "
        "secrets and a `RECLAIM_PUBLIC_URL` that is not `https://`.",
    )
    data_dir: Path = Field(
        Path("var"),
        description="Directory for the SQLite database, development keys and index snapshots.",
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL. Empty means SQLite at `<data_dir>/reclaim.db`; "
        "PostgreSQL as `postgresql+psycopg://user:pass@host/db`.",
    )
    secret_key: SecretStr = Field(
        SecretStr(""),
        description="Signs CSRF tokens, keys recovery-code digests and the audit chain. At least "
        "32 random characters. Required in production; generated under `data_dir` in "
        "development.",
    )
    previous_secret_keys: SecretStr = Field(
        SecretStr(""),
        description="Earlier values of `RECLAIM_SECRET_KEY`, comma-separated, oldest first: "
        "the audit trail and checkpoints written under them still verify after a rotation "
        "(then run `reclaim audit anchor` once).",
    )
    field_encryption_key: SecretStr = Field(
        SecretStr(""),
        description="Key for personal data encrypted at rest: 32 bytes, urlsafe base64 "
        "(`reclaim admin generate-key`). Required in production; generated in development.",
    )
    previous_field_encryption_keys: SecretStr = Field(
        SecretStr(""),
        description="Earlier field-encryption keys, comma-separated, oldest first: values "
        "still encrypted under them are read during a rotation (`reclaim admin "
        "rotate-field-key`); remove them once it reports nothing left under them.",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address people use. An `https://` URL turns on HSTS and "
        "`__Host-`/Secure cookies.",
    )
    host: str = Field("127.0.0.1", description="Address `reclaim serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `reclaim serve` listens on.")
    workers: int = Field(1, ge=1, le=64, description="Server worker processes.")
    platform_in_flight: int = Field(
        8,
        ge=1,
        le=10_000,
        description="Platform API requests (match, feed, feedback, exports) one worker process "
        "works on at once; past it they are refused at once with 503 and `Retry-After: 1` "
        "(platforms retry). Few: a match costs a few milliseconds of CPU, so more at once only "
        "queue for the GIL, and the thread pool's other threads stay free for reports.",
    )
    gc_freeze: bool = Field(
        True,
        description="Once the matching index is loaded (and after a catch-up of 10,000 changes "
        "or more), move the process's long-lived objects out of the cyclic garbage collector's "
        "reach (`gc.freeze`): otherwise each full collection pauses every request, ~200 ms per "
        "100,000 items. Off only for test suites that start many apps in one process.",
    )
    platform_wait_ms: int = Field(
        100,
        ge=0,
        le=10_000,
        description="How long a platform request that finds `platform_in_flight` reached waits "
        "in a short queue for a place before it is refused (0: refuse at once). Absorbs a brief "
        "pause of the process without refusing the matches that arrived during it.",
    )
    public_in_flight: int = Field(
        64,
        ge=1,
        le=10_000,
        description="Every other request (young people's reports and status checks, pages) one "
        "worker process works on at once before refusing with 503 and `Retry-After: 2`. Health "
        "checks are never refused.",
    )
    match_backend: str = Field(
        "local",
        description="Where the match API's PDQ index lives: `local` (in each server process) or "
        "`dask://scheduler:8786` (sharded over a Dask cluster's workers; `dask://local` runs a "
        "LocalCluster in the server process; `?shards=N`). Needs the `scale` extra.",
    )
    request_read_timeout: int = Field(
        20,
        ge=1,
        le=600,
        description="Seconds a client has to send a whole request (headers and body) after "
        "connecting or after the previous response; slower connections get 408 and are closed.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated proxy addresses whose `X-Forwarded-For` is believed.",
    )
    log_level: str = Field("INFO", description="Log level: DEBUG, INFO, WARNING, ERROR.")
    log_format: str = Field(
        "json", description="`json` (one object per line) or `text` for local reading."
    )
    metrics_token: SecretStr = Field(
        SecretStr(""),
        description="Bearer token for `/metrics`. Empty: `/metrics` answers loopback clients only.",
    )
    session_idle_minutes: int = Field(
        30, ge=1, description="Staff sessions end after this long without a request."
    )
    session_absolute_hours: int = Field(
        12, ge=1, description="Staff sessions end this long after login, however active."
    )
    login_max_failures: int = Field(
        5,
        ge=1,
        description="Wrong passwords, and apart from them wrong second-factor codes, for one "
        "account name before signing in as it pauses.",
    )
    login_lockout_minutes: int = Field(
        15,
        ge=1,
        description="How long signing in as a name pauses after too many wrong passwords (each "
        "further one pauses again) or, the first time, wrong codes.",
    )
    login_code_lockout_max_hours: int = Field(
        24,
        ge=1,
        description="Each further wrong second-factor code doubles the pause, up to this many "
        "hours; the count is kept until a right code is given.",
    )
    login_rate_per_minute: int = Field(
        20, ge=1, description="Login attempts allowed per client address per minute."
    )
    argon2_time_cost: int = Field(3, ge=1, description="Argon2id iterations for passwords.")
    argon2_memory_kib: int = Field(
        65536, ge=8192, description="Argon2id memory per password hash, in KiB."
    )
    argon2_parallelism: int = Field(4, ge=1, description="Argon2id lanes per password hash.")
    totp_issuer: str = Field("Reclaim", description="Name shown in authenticator apps.")
    default_country: str = Field(
        "GB",
        description="Country preselected on the public start page (`GB`, `US`, `CA`, `AU` or "
        "`XX` for somewhere else); it picks the help numbers shown until a person chooses.",
    )
    quick_exit_url: str = Field(
        "https://www.bbc.co.uk/weather",
        description="Neutral site that the public pages' Quick exit goes to.",
    )
    report_rate_per_hour: int = Field(
        10,
        ge=1,
        description="Reports one client address may make in an hour before each further one "
        "costs more proof-of-work (up to 256 times); past 5 times this, ordinary reports wait. "
        "A report that signals danger (not safe, not sure, threatened) is never refused.",
    )
    pin_rate_per_minute: int = Field(
        10, ge=1, description="Reference + PIN checks one client address may make per minute."
    )
    pin_max_failures: int = Field(
        5,
        ge=1,
        description="Wrong PINs for one reference (real or not) before checking it pauses. "
        "The count is kept until the right PIN is given.",
    )
    pin_lockout_minutes: int = Field(
        15,
        ge=1,
        description="The first pause for a reference after too many wrong PINs; each further "
        "wrong PIN doubles it.",
    )
    pin_lockout_max_hours: int = Field(
        24, ge=1, description="The longest pause for one reference after wrong PINs."
    )
    pin_fresh_try_hours: int = Field(
        4,
        ge=1,
        description="While a reference is paused, a connection that gave no wrong PIN in the "
        "last day may still try it, so its owner is not locked out by someone else; a wrong PIN "
        "given that way shuts this side door for the reference for this many hours.",
    )
    pin_failures_per_day: int = Field(
        20,
        ge=1,
        description="Wrong PINs one client address may give in a day, across all references, "
        "before its checks pause.",
    )
    bot_guard_honeypot: bool = Field(
        True,
        description="Refuse reports that fill in the hidden `website` field people never see.",
    )
    bot_guard_pow_bits: int = Field(
        12,
        ge=0,
        le=24,
        description="Proof-of-work for `POST /api/v1/reports`: leading zero bits of "
        "SHA-256(challenge:nonce) the client must find (12 is about 4,000 tries). 0 turns it off.",
    )
    bot_guard_form_seconds: int = Field(
        3,
        ge=0,
        le=60,
        description="The report form without JavaScript (which cannot do the proof-of-work) "
        "carries a signed, single-use token: it must be at least this many seconds old when "
        "sent. 0 turns the wait off (the token is still required).",
    )

    intake_organisation: str = Field(
        "",
        description="Name of the organisation that runs the public site: young people's reports "
        "belong to it and its staff are alerted to urgent ones. Empty: the oldest organisation "
        "that is not a platform.",
    )

    case_retention_years: int = Field(
        25,
        ge=1,
        le=100,
        description="Years a closed safeguarding case is kept after it closes before "
        "`reclaim cases purge` deletes it (never one on legal hold). An organisation's DSL or "
        "admin can set its own number. 25 matches keeping school child-protection files until "
        "the child is 25 at the least.",
    )
    timezone: str = Field(
        "Europe/London",
        description="Time zone in which case pages and exports show times and read the times "
        "staff type (stored in UTC).",
    )

    smtp_url: SecretStr = Field(
        SecretStr(""),
        description="Where news-about-your-report emails and urgent-report staff alerts go out: "
        "`smtp://user:pass@host:587` "
        "(STARTTLS, required unless the host is this machine) or `smtps://user:pass@host:465`. "
        "Empty: no email, and the report form does not ask for one.",
    )
    mail_from: str = Field(
        "",
        description="From address of those emails. Empty: `no-reply@` the host of "
        "`RECLAIM_PUBLIC_URL`.",
    )

    takedown_country: str = Field(
        "",
        description="Country where this Reclaim's hotline works (two letters): a host based "
        "elsewhere is passed to the hotline of its own country. Empty: `RECLAIM_DEFAULT_COUNTRY`.",
    )
    takedown_first_action_hours: int = Field(
        24, ge=1, le=24 * 30, description="A reported link's first action is due within this."
    )
    takedown_first_action_urgent_hours: int = Field(
        2,
        ge=1,
        le=24 * 30,
        description="The same, for a link from a report that signals danger.",
    )
    takedown_notice_deadline_hours: int = Field(
        48,
        ge=1,
        le=24 * 90,
        description="A notice not acted on within this is overdue: the link is escalated "
        "(re-check it; send it to the hotline of the hosting country).",
    )
    takedown_recheck_hours: int = Field(
        72,
        ge=1,
        le=24 * 90,
        description="A link still available, unreachable or rejected is due a re-check after this.",
    )
    takedown_liveness: bool = Field(
        False,
        description="The optional liveness check (HEAD only, never a body, public addresses "
        "only). Off by default; see docs/takedown.md.",
    )
    takedown_liveness_timeout: float = Field(
        5.0, gt=0, le=30, description="Seconds each liveness request may take, per step."
    )
    takedown_liveness_per_host_per_minute: int = Field(
        6, ge=1, le=600, description="Liveness requests to one host a minute, at most."
    )
    alert_escalate_minutes: int = Field(
        10,
        ge=1,
        le=1440,
        description="An alert (urgent report or case) nobody has acknowledged moves to the next "
        "on-call contact after this many minutes, and past the list to everyone who can view "
        "cases.",
    )
    vapid_public_key: str = Field(
        "",
        description="Web push for staff alerts: the VAPID public key (urlsafe base64, from "
        "`reclaim notify vapid-keys`). Empty: no web push, email only.",
    )
    vapid_private_key: SecretStr = Field(
        SecretStr(""),
        description="The VAPID private key that goes with `RECLAIM_VAPID_PUBLIC_KEY`.",
    )
    vapid_subject: str = Field(
        "",
        description="Contact that push services may use about this server (`mailto:` or "
        "`https:` URL). Empty: `mailto:` the `RECLAIM_MAIL_FROM` address.",
    )
    share_code_rate_per_hour: int = Field(
        10,
        ge=1,
        description="Organisation codes one client address may try in an hour when sharing a "
        "report (stops guessing codes).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("takedown_country")
    @classmethod
    def _check_takedown_country(cls, value: str) -> str:
        if value and not (len(value) == 2 and value.isalpha()):
            raise ValueError("takedown_country is a two-letter code such as GB, or empty")
        return value.upper()

    @field_validator("default_country")
    @classmethod
    def _check_country(cls, value: str) -> str:
        if not (len(value) == 2 and value.isalpha()):
            raise ValueError("default_country is a two-letter code such as GB, US, CA, AU or XX")
        return value.upper()

    @field_validator("match_backend")
    @classmethod
    def _check_match_backend(cls, value: str) -> str:
        if value != "local" and not (value.startswith("dask://") and len(value) > 7):
            raise ValueError("match_backend is `local` or `dask://host:port` (or `dask://local`)")
        return value

    @field_validator("log_format")
    @classmethod
    def _check_log_format(cls, value: str) -> str:
        if value not in {"json", "text"}:
            raise ValueError("log_format must be 'json' or 'text'")
        return value

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError("public_url must be an absolute http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("smtp_url")
    @classmethod
    def _check_smtp_url(cls, value: SecretStr) -> SecretStr:
        text = value.get_secret_value().strip()
        if text:
            parts = urlsplit(text)
            if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
                raise ValueError(
                    "smtp_url must look like smtp://user:pass@host:587 or smtps://user:pass@host"
                )
        return SecretStr(text)

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                "timezone must be an IANA time zone name such as Europe/London or UTC"
            ) from None
        return value

    @field_validator("mail_from")
    @classmethod
    def _check_mail_from(cls, value: str) -> str:
        if any(c in value for c in "\r\n"):
            raise ValueError("mail_from must be one line")
        return value.strip()

    # Derived values -------------------------------------------------------------------

    @property
    def notifications_enabled(self) -> bool:
        """Whether Reclaim can tell a young person there is news (only by email, today)."""
        return bool(self.smtp_url.get_secret_value())

    @property
    def push_enabled(self) -> bool:
        """Whether staff alerts also go out by web push (both VAPID keys set)."""
        return bool(self.vapid_public_key and self.vapid_private_key.get_secret_value())

    @property
    def push_subject(self) -> str:
        return self.vapid_subject or f"mailto:{self.mail_sender}"

    @property
    def mail_sender(self) -> str:
        return self.mail_from or f"no-reply@{urlsplit(self.public_url).hostname or 'localhost'}"

    @property
    def https(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'reclaim.db').as_posix()}"

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    def secret_key_bytes(self) -> bytes:
        return self.secret_key.get_secret_value().encode()

    def previous_secret_key_bytes(self) -> list[bytes]:
        text = self.previous_secret_keys.get_secret_value()
        return [part.strip().encode() for part in text.split(",") if part.strip()]

    def field_key_bytes(self) -> bytes:
        return decode_field_key(self.field_encryption_key.get_secret_value())

    def previous_field_key_bytes(self) -> list[bytes]:
        text = self.previous_field_encryption_keys.get_secret_value()
        return [
            decode_field_key(part.strip(), "RECLAIM_PREVIOUS_FIELD_ENCRYPTION_KEYS")
            for part in text.split(",")
            if part.strip()
        ]


def decode_field_key(text: str, name: str = "RECLAIM_FIELD_ENCRYPTION_KEY") -> bytes:
    """Decode a field-encryption key, explaining what a valid one looks like."""
    try:
        raw = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4))
    except ValueError as exc:
        raise ConfigurationError(
            f"{name} is not base64; create one with `reclaim admin generate-key`."
        ) from exc
    if len(raw) != 32:
        raise ConfigurationError(
            f"{name} must decode to 32 bytes; create one with `reclaim admin generate-key`."
        )
    return raw


def new_field_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return lowered in _PLACEHOLDERS or len(set(lowered)) < 8 or _is_patterned(lowered)


def _is_patterned(value: str) -> bool:
    """A made-up secret: a short unit repeated ("abcdefgh" x 4) or mostly runs ("0123...").

    A random key almost never is: with 64 symbols, a step of -1, 0 or +1 between neighbours
    has a 3-in-64 chance, so more than half of them by chance is vanishingly unlikely.
    """
    if len(value) >= 2 and value in (value + value)[1:-1]:  # a repetition of a shorter unit
        return True
    steps = [ord(b) - ord(a) for a, b in pairwise(value)]
    return bool(steps) and sum(abs(step) <= 1 for step in steps) * 2 > len(steps)


def _local_key(path: Path, make: str) -> str:
    """Read a development key from ``path``, creating it (mode 0600) the first time."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(make + "\n")
    return make


def _checked(settings: Settings) -> Settings:
    secret = settings.secret_key.get_secret_value()
    field_key = settings.field_encryption_key.get_secret_value()
    if settings.is_production:
        problems = []
        if _is_placeholder(secret) or len(secret) < 32:
            problems.append(
                "RECLAIM_SECRET_KEY is missing or a placeholder: set at least 32 random "
                "characters, for example from "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        if _is_placeholder(field_key):
            problems.append(
                "RECLAIM_FIELD_ENCRYPTION_KEY is missing or a placeholder: create one with "
                "`reclaim admin generate-key` and keep it safe (losing it loses encrypted data)."
            )
        else:
            try:
                decode_field_key(field_key)
            except ConfigurationError as exc:
                problems.append(str(exc))
        try:
            settings.previous_field_key_bytes()
        except ConfigurationError as exc:
            problems.append(str(exc))
        if not settings.https:
            problems.append(
                "RECLAIM_PUBLIC_URL must start with https:// in production (it is "
                f"{settings.public_url}): sign-in and PINs must never cross the network in "
                "plain text. Put Reclaim behind a TLS-terminating proxy and give its https:// "
                "address."
            )
        if problems:
            raise ConfigurationError(
                "Reclaim will not start in production:\n- " + "\n- ".join(problems)
            )
        return settings
    updates: dict[str, object] = {}
    if not secret:
        updates["secret_key"] = SecretStr(
            _local_key(settings.data_dir / "dev-secret-key", secrets.token_urlsafe(48))
        )
    if not field_key:
        updates["field_encryption_key"] = SecretStr(
            _local_key(settings.data_dir / "dev-field-key", new_field_key())
        )
    else:
        decode_field_key(field_key)
    settings.previous_field_key_bytes()  # each must be a valid key
    return settings.model_copy(update=updates) if updates else settings


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment (and ``overrides``), checked and completed."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        raise ConfigurationError(f"Invalid configuration: {exc}") from exc
    return _checked(settings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    get_settings.cache_clear()
