from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from reclaim.config import ConfigurationError, Settings, load_settings

README = Path(__file__).resolve().parents[2] / "README.md"
GOOD_SECRET = "kq3V9xZr7Lm2Pw8Tn4Bd6Hs1Jf5Gc0Ya-Eu"
GOOD_FIELD_KEY = "q7u1H3kq0m9f7O6p7Zk6yE3m4wz1l1r7h2m8c5d0s4A"


def test_every_setting_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"`RECLAIM_([A-Z0-9_]+)`", README.read_text()))
    fields = {name.upper() for name in Settings.model_fields}
    missing = sorted(fields - documented)
    unknown = sorted(documented - fields - {"TEST_POSTGRES_URL"})
    assert not missing, f"settings missing from the README's configuration table: {missing}"
    assert not unknown, f"README documents settings that do not exist: {unknown}"


@pytest.mark.parametrize(
    "secret",
    ["", "changeme", "secret", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "short-but-random-9xQ"],
)
def test_production_refuses_a_missing_or_placeholder_secret_key(
    tmp_path: Path, secret: str
) -> None:
    with pytest.raises(ConfigurationError, match="RECLAIM_SECRET_KEY"):
        load_settings(
            env="production",
            data_dir=tmp_path,
            secret_key=secret,
            field_encryption_key=GOOD_FIELD_KEY,
        )


@pytest.mark.parametrize("key", ["", "changeme", "placeholder"])
def test_production_refuses_a_missing_or_placeholder_field_key(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigurationError, match="RECLAIM_FIELD_ENCRYPTION_KEY"):
        load_settings(
            env="production", data_dir=tmp_path, secret_key=GOOD_SECRET, field_encryption_key=key
        )


def test_production_refuses_a_field_key_of_the_wrong_size(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="32 bytes"):
        load_settings(
            env="production",
            data_dir=tmp_path,
            secret_key=GOOD_SECRET,
            field_encryption_key="bm90LTMyLWJ5dGVzLWxvbmc",
        )


@pytest.mark.parametrize(
    "secret",
    [
        "abcdefgh" * 4,
        "k3j5-Q9x" * 5,
        "0123456789abcdefghijklmnopqrstuvwxyz",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ123456",
    ],
)
def test_production_refuses_a_patterned_secret_key(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ConfigurationError, match="RECLAIM_SECRET_KEY"):
        load_settings(
            env="production",
            data_dir=tmp_path,
            secret_key=secret,
            field_encryption_key=GOOD_FIELD_KEY,
            public_url="https://reclaim.example.org",
        )


@pytest.mark.parametrize("url", ["http://reclaim.example.org", "http://127.0.0.1:8000"])
def test_production_refuses_a_public_url_without_https(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"RECLAIM_PUBLIC_URL.*https://"):
        load_settings(
            env="production",
            data_dir=tmp_path,
            secret_key=GOOD_SECRET,
            field_encryption_key=GOOD_FIELD_KEY,
            public_url=url,
        )


def test_production_starts_with_real_secrets_and_writes_no_key_files(tmp_path: Path) -> None:
    settings = load_settings(
        env="production",
        data_dir=tmp_path,
        secret_key=GOOD_SECRET,
        field_encryption_key=GOOD_FIELD_KEY,
        public_url="https://reclaim.example.org",
    )
    assert settings.is_production
    assert len(settings.field_key_bytes()) == 32
    assert not list(tmp_path.iterdir())


def test_production_refusal_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reclaim.cli.main import app
    from reclaim.config import reset_settings

    reset_settings()
    result = CliRunner().invoke(
        app, ["db", "upgrade"], env={"RECLAIM_ENV": "production", "RECLAIM_DATA_DIR": str(tmp_path)}
    )
    reset_settings()
    assert result.exit_code == 2
    assert "will not start in production" in result.output
    assert "Traceback" not in result.output


def test_development_creates_private_local_keys_once(tmp_path: Path) -> None:
    first = load_settings(data_dir=tmp_path)
    second = load_settings(data_dir=tmp_path)
    assert first.secret_key.get_secret_value() == second.secret_key.get_secret_value()
    assert first.field_key_bytes() == second.field_key_bytes()
    for name in ("dev-secret-key", "dev-field-key"):
        mode = (tmp_path / name).stat().st_mode
        assert stat.S_IMODE(mode) == 0o600


def test_invalid_values_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="public_url"):
        load_settings(data_dir=tmp_path, public_url="reclaim.example")


def test_https_public_url_turns_on_secure_mode(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path, public_url="https://reclaim.example.org/").https
    assert not load_settings(data_dir=tmp_path).https


def test_default_database_is_sqlite_under_the_data_dir(tmp_path: Path) -> None:
    assert (
        load_settings(data_dir=tmp_path).resolved_database_url == f"sqlite:///{tmp_path}/reclaim.db"
    )
