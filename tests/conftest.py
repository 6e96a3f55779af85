"""Shared fixtures: settings, databases (SQLite and PostgreSQL), and a web client.

PostgreSQL tests use the server at RECLAIM_TEST_POSTGRES_URL (default: the local one on
127.0.0.1:5432). Locally they are skipped with a message when it is not there; with CI=true
they fail instead, so a green CI run always means both databases were tested.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from reclaim.accounts import totp
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.audit.recorder import fresh_context, install_row_auditing
from reclaim.config import Settings, load_settings
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from reclaim.web.services import services_of

POSTGRES_URL = os.environ.get(
    "RECLAIM_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"
BASE_URL = "http://127.0.0.1:8000"
PASSWORD = "correct horse battery staple"

# Cheap Argon2 in tests: the parameters are settings, and the algorithm is the same.
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192, "argon2_parallelism": 1}


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": tmp_path / "var", "log_format": "json", **FAST_ARGON2}
    values.setdefault("bot_guard_form_seconds", 0)  # the report form's wait: its own tests
    # One test process starts hundreds of apps: frozen objects of finished tests would never
    # be collected (test_index_loading.py tests the freeze itself).
    values.setdefault("gc_freeze", False)
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("RECLAIM_") and name != "RECLAIM_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    fresh_context(actor="test")
    install_row_auditing()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_available() -> str | None:
    """None if PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(_admin_url(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return (
            f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
        )


@pytest.fixture(scope="session")
def postgres_server() -> str:
    problem = postgres_available()
    if problem:
        message = f"PostgreSQL is not reachable at {POSTGRES_URL} ({problem})."
        if IN_CI:
            pytest.fail(message + " CI=true requires it: storage tests must run on both databases.")
        pytest.skip(message + " Start it (or set RECLAIM_TEST_POSTGRES_URL) to run these tests.")
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A brand-new, empty PostgreSQL database for one test; dropped afterwards."""
    name = f"reclaim_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = _admin_url(postgres_server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Parametrises a test over both databases Reclaim supports."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reclaim.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def any_db(any_db_url: str, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database of each kind."""
    db = Database(make_settings(tmp_path, database_url=any_db_url))
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """A migrated SQLite database (for tests that are not about storage itself)."""
    database = Database(settings)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def hashing(settings: Settings) -> PasswordHashing:
    return PasswordHashing(Argon2Parameters(1, 8192, 1))


class Staff:
    """Creates organisations and staff users, and signs them in through the real pages."""

    def __init__(self, db: Database, hashing: PasswordHashing) -> None:
        self.db, self.hashing = db, hashing
        self.secrets: dict[str, str] = {}

    def create(
        self,
        username: str = "dsl@school.example",
        role: str = "admin",
        org: str = "Hillside Academy",
    ) -> int:
        from sqlalchemy import select

        from reclaim.accounts.models import Organisation

        with self.db.session() as session:
            organisation = session.scalar(select(Organisation).where(Organisation.name == org))
            if organisation is None:
                organisation = create_organisation(session, org, "school")
            user = create_user(
                session,
                self.hashing,
                organisation=organisation,
                username=username,
                password=PASSWORD,
                role=role,
            )
            return user.id

    def sign_in(
        self, client: TestClient, username: str = "dsl@school.example", password: str = PASSWORD
    ) -> None:
        """Password, then two-factor enrolment (first time) or a code, as a person would."""
        response = post_login(client, username, password)
        assert response.status_code == 303, response.text
        if response.headers["location"] == "/staff/enrol":
            page = client.get("/staff/enrol")
            secret = (
                re.search(r'data-testid="totp-secret">([^<]+)<', page.text)
                .group(1)
                .replace(" ", "")
            )  # type: ignore[union-attr]
            self.secrets[username] = secret
            done = client.post(
                "/staff/enrol",
                data={"code": totp.code_at(secret, time.time()), "csrf_token": csrf_in(page.text)},
            )
            assert done.status_code == 200, done.text
        else:
            page = client.get("/staff/login/code")
            code = self.next_code(username)
            done = client.post(
                "/staff/login/code",
                data={"code": code, "csrf_token": csrf_in(page.text)},
                follow_redirects=False,
            )
            assert done.status_code == 303, done.text

    def next_code(self, username: str) -> str:
        """A code for a step not used yet (each step is accepted once)."""
        return totp.code_at(self.secrets[username], time.time() + 30)


def post_login(client: TestClient, username: str, password: str) -> Any:
    """The sign-in form, filled in and sent with this browser's CSRF token."""
    return client.post(
        "/staff/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf(client, "/staff/login"),
        },
        follow_redirects=False,
    )


def csrf_in(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def csrf(client: TestClient, path: str) -> str:
    return csrf_in(client.get(path).text)


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, login_max_failures=3, login_rate_per_minute=1000)


@pytest.fixture
def app_db(app_settings: Settings) -> Iterator[Database]:
    database = Database(app_settings)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def client(app_settings: Settings, app_db: Database) -> Iterator[TestClient]:
    app = create_app(app_settings, app_db)
    with TestClient(app, base_url=BASE_URL) as test_client:
        services_of(app).matcher_loader.join(timeout=30)  # the index loads in the background
        yield test_client


@pytest.fixture
def staff(app_db: Database) -> Staff:
    return Staff(app_db, PasswordHashing(Argon2Parameters(1, 8192, 1)))


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Runs `reclaim ...` in-process against a data directory of its own; fails on a traceback."""
    from typer.testing import CliRunner

    from reclaim.cli.main import app
    from reclaim.config import reset_settings

    monkeypatch.setenv("RECLAIM_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RECLAIM_ARGON2_MEMORY_KIB", "8192")
    monkeypatch.setenv("RECLAIM_ARGON2_TIME_COST", "1")
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        reset_settings()
        result = runner.invoke(app, list(args), input=stdin)
        reset_settings()
        assert "Traceback" not in result.output
        return result

    return invoke
