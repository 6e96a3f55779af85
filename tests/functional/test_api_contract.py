"""The API held to its contract: the committed docs/openapi.json is what the app generates, and
Schemathesis, over every operation with valid and then invalid credentials (bounded examples,
a fixed seed), finds no server error, no response that breaks the schema, and no operation
that ignores authentication."""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import ignored_auth, not_a_server_error, response_schema_conformance

from reclaim.accounts.apikeys import issue
from reclaim.accounts.staff import create_organisation
from reclaim.config import Settings
from reclaim.storage.database import Database
from reclaim.storage.migrations_runner import upgrade
from reclaim.web.app import create_app
from reclaim.web.services import services_of
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"


def test_the_committed_openapi_document_is_current() -> None:
    script = runpy.run_path(str(ROOT / "scripts" / "openapi.py"))
    generated = script["render"](script["generate"]())
    current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
    assert current == generated, (
        "docs/openapi.json is not what the app generates: run "
        "`PYTHONPATH=src python scripts/openapi.py --write docs/openapi.json` and commit it."
    )


class Credentials:
    def __init__(self, valid: bool, token: str, reference: str, pin: str) -> None:
        self.valid = valid
        self.headers = (
            {"Authorization": f"Bearer {token}", "X-Reclaim-PIN": pin}
            if valid
            else {"Authorization": "Bearer rk_not_a_key_at_all_000000", "X-Reclaim-PIN": "000000"}
        )
        self.reference = reference


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Settings, Database]]:
    tmp = tmp_path_factory.mktemp("contract")
    app_settings = make_settings(
        tmp,
        bot_guard_pow_bits=0,
        report_rate_per_hour=1_000_000,
        pin_rate_per_minute=1_000_000,
        pin_failures_per_day=1_000_000,
        pin_max_failures=1_000_000,
    )
    db = Database(app_settings)
    upgrade(db)
    app = create_app(app_settings, db)
    services_of(app).matcher_loader.start()  # Schemathesis calls the app without its lifespan
    services_of(app).matcher_loader.join(60)
    yield app, app_settings, db
    db.dispose()


@pytest.fixture(scope="module")
def seeded(api: tuple[Any, Settings, Database]) -> tuple[str, str, str]:
    from fastapi.testclient import TestClient

    app, _settings, db = api
    with db.session() as session:
        token = issue(
            session,
            create_organisation(session, "PhotoShare", "platform"),
            "k",
            rate_per_minute=100_000,
        ).token
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        made = client.post(
            "/api/v1/reports",
            json={"age_group": "under18", "country": "GB", "urls": ["https://example.com/x"]},
        )
        assert made.status_code == 201, made.text
    return token, made.json()["reference"], made.json()["pin"]


@pytest.fixture
def valid(seeded: tuple[str, str, str]) -> Credentials:
    return Credentials(True, *seeded)


@pytest.fixture
def invalid(seeded: tuple[str, str, str]) -> Credentials:
    return Credentials(False, *seeded)


#: (operation, valid credentials, status) of every call: each operation must have been
#: reached, and with valid credentials some must have succeeded.
SEEN: list[tuple[str, bool, int]] = []

BOUNDED = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _keeps_its_contract(case: Any, credentials: Credentials) -> None:
    if "reference" in (case.path_parameters or {}) and credentials.valid:
        case.path_parameters["reference"] = credentials.reference  # the seeded report
    response = case.call_and_validate(
        headers=credentials.headers,
        checks=[not_a_server_error, response_schema_conformance, ignored_auth],
    )
    SEEN.append((case.operation.label, credentials.valid, response.status_code))
    secured = bool(case.operation.definition.raw.get("security"))
    if secured and not credentials.valid:
        assert response.status_code in {400, 401, 403, 404, 413, 415, 422, 429}, (
            f"{case.operation.label} answered {response.status_code} to invalid credentials"
        )


def _every_operation(app: Any, credentials: Credentials) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @BOUNDED
        @given(case=operation.as_strategy())
        def keeps_its_contract(case: Any) -> None:
            _keeps_its_contract(case, credentials)

        keeps_its_contract()
        checked.append(operation.label)
    return checked


@pytest.mark.slow
def test_every_operation_keeps_its_contract_with_valid_credentials(
    api: tuple[Any, Settings, Database], valid: Credentials
) -> None:
    operations = _every_operation(api[0], valid)
    assert len(operations) >= 10
    succeeded = {label for label, ok, status in SEEN if ok and status < 300}
    # Most operations were really exercised, not only refused (the match API, the feed,
    # the export, a report, its status).
    assert len(succeeded) >= 7, sorted(succeeded)


@pytest.mark.slow
def test_every_operation_keeps_its_contract_with_invalid_credentials(
    api: tuple[Any, Settings, Database], invalid: Credentials
) -> None:
    assert len(_every_operation(api[0], invalid)) >= 10
