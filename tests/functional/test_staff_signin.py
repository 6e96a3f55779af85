"""Staff sign-in as a person does it: real pages, real forms, no mocks."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim.accounts import sessions, totp
from reclaim.accounts.models import StaffSession, StaffUser
from reclaim.accounts.staff import disable_user
from reclaim.audit.models import AuditEvent
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from tests.conftest import BASE_URL, PASSWORD, Staff, csrf, csrf_in, post_login

SESSION = "reclaim_session"


def test_admin_signs_in_with_two_factor_and_sees_the_empty_dashboard(
    client: TestClient, staff: Staff
) -> None:
    staff.create()
    assert (
        client.get("/staff", follow_redirects=False).headers["location"]
        == "/staff/login?expired=true"
    )
    staff.sign_in(client)  # first time: enrols an authenticator app, gets recovery codes
    page = client.get("/staff")
    assert page.status_code == 200
    assert "No cases yet" in page.text and "dsl@school.example" in page.text
    # Second sign-in: password, then a code.
    client.post("/staff/logout", data={"csrf_token": csrf_in(page.text)})
    staff.sign_in(client)
    assert client.get("/staff").status_code == 200


def test_password_alone_does_not_open_staff_pages(client: TestClient, staff: Staff) -> None:
    staff.create()
    staff.sign_in(client)
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
    response = post_login(client, "dsl@school.example", PASSWORD)
    assert response.headers["location"] == "/staff/login/code"
    assert client.get("/staff", follow_redirects=False).status_code == 303
    assert client.get("/staff/audit", follow_redirects=False).status_code == 303


def test_wrong_code_is_refused_and_a_code_works_only_once(client: TestClient, staff: Staff) -> None:
    staff.create()
    staff.sign_in(client)
    used = staff.next_code("dsl@school.example")
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
    post_login(client, "dsl@school.example", PASSWORD)
    token = csrf(client, "/staff/login/code")
    wrong = client.post(
        "/staff/login/code",
        data={"code": "000000" if used != "000000" else "111111", "csrf_token": token},
    )
    assert wrong.status_code == 401 and "did not work" in wrong.text
    ok = client.post(
        "/staff/login/code", data={"code": used, "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
    post_login(client, "dsl@school.example", PASSWORD)
    replay = client.post(
        "/staff/login/code", data={"code": used, "csrf_token": csrf(client, "/staff/login/code")}
    )
    assert replay.status_code == 401


def test_recovery_code_signs_in_once(client: TestClient, staff: Staff) -> None:
    staff.create()
    post_login(client, "dsl@school.example", PASSWORD)
    page = client.get("/staff/enrol")
    secret = page.text.split('data-testid="totp-secret">')[1].split("<")[0].replace(" ", "")
    done = client.post(
        "/staff/enrol",
        data={"code": totp.code_at(secret, time.time()), "csrf_token": csrf_in(page.text)},
    )
    code = (
        done.text.split('data-testid="recovery-codes">')[1].split("<code>")[1].split("</code>")[0]
    )
    for expected in (303, 401):
        client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
        post_login(client, "dsl@school.example", PASSWORD)
        response = client.post(
            "/staff/login/code",
            data={"code": code, "csrf_token": csrf(client, "/staff/login/code")},
            follow_redirects=False,
        )
        assert response.status_code == expected


def test_lockout_after_repeated_failures_even_with_the_right_password(
    client: TestClient, staff: Staff
) -> None:
    staff.create()
    for _ in range(2):
        assert (
            post_login(client, "dsl@school.example", "wrong password entirely").status_code == 401
        )
    third = post_login(client, "dsl@school.example", "wrong password entirely")
    assert third.status_code == 429 and "paused" in third.text
    locked = post_login(client, "dsl@school.example", PASSWORD)
    assert locked.status_code == 429


def test_lockout_ends_after_the_lockout_period(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    staff.create()
    for _ in range(3):
        post_login(client, "dsl@school.example", "wrong password entirely")
    from reclaim.accounts.models import Lockout

    with app_db.session() as session:
        for row in session.scalars(select(Lockout)):
            row.locked_until = utcnow() - timedelta(seconds=1)
    assert post_login(client, "dsl@school.example", PASSWORD).status_code == 303


def test_unknown_and_known_accounts_look_the_same(client: TestClient, staff: Staff) -> None:
    """Same status, same body, and the same time within noise: no account enumeration."""
    staff.create()

    def attempt(username: str) -> tuple[int, str, float]:
        token = csrf(client, "/staff/login")
        started = time.perf_counter()
        response = client.post(
            "/staff/login",
            data={"username": username, "password": "not the password at all", "csrf_token": token},
        )
        elapsed = time.perf_counter() - started
        return response.status_code, response.text.replace(username, "NAME"), elapsed

    known, unknown = [], []
    for i in range(6):
        # Fresh names each round so neither side reaches the lockout.
        staff.create(username=f"real{i}@school.example", role="viewer")
        known.append(attempt(f"real{i}@school.example"))
        unknown.append(attempt(f"nobody{i}@school.example"))
    assert {k[0] for k in known} == {u[0] for u in unknown} == {401}
    assert {k[1] for k in known} == {u[1] for u in unknown}
    ratio = statistics.median(k[2] for k in known) / statistics.median(u[2] for u in unknown)
    assert 0.5 < ratio < 2.0, f"known/unknown timing ratio {ratio:.2f} reveals which accounts exist"
    # Unknown names are locked exactly like real ones.
    for _ in range(3):
        last = post_login(client, "ghost@school.example", "not the password at all")
    assert last.status_code == 429  # type: ignore[attr-defined]


def test_forms_without_a_valid_csrf_token_are_refused(client: TestClient, staff: Staff) -> None:
    staff.create()
    client.get("/staff/login")
    for data in (
        {"username": "dsl@school.example", "password": PASSWORD},
        {"username": "dsl@school.example", "password": PASSWORD, "csrf_token": "0" * 64},
    ):
        response = client.post("/staff/login", data=data, follow_redirects=False)
        assert response.status_code == 403 and "did not come from this site" in response.text
    staff.sign_in(client)
    assert client.post("/staff/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/staff").status_code == 200  # still signed in


def test_cross_site_posts_are_refused_before_any_handler(client: TestClient) -> None:
    token = csrf(client, "/staff/login")
    data = {"username": "a", "password": "b", "csrf_token": token}
    assert (
        client.post(
            "/staff/login", data=data, headers={"Origin": "https://evil.example"}
        ).status_code
        == 403
    )
    assert (
        client.post("/staff/login", data=data, headers={"Sec-Fetch-Site": "cross-site"}).status_code
        == 403
    )
    assert client.post("/staff/login", data=data, headers={"Origin": BASE_URL}).status_code == 401


def test_csrf_token_from_another_browser_does_not_work(
    client: TestClient, staff: Staff, app_settings: object
) -> None:
    staff.create()
    other = TestClient(client.app, base_url=BASE_URL)
    stolen = csrf(other, "/staff/login")
    client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"username": "dsl@school.example", "password": PASSWORD, "csrf_token": stolen},
    )
    assert response.status_code == 403


def test_session_id_changes_at_sign_in_and_old_ids_stop_working(
    client: TestClient, staff: Staff
) -> None:
    staff.create()
    staff.sign_in(client)
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
    post_login(client, "dsl@school.example", PASSWORD)
    pending = client.cookies.get(SESSION)
    assert pending
    client.post(
        "/staff/login/code",
        data={
            "code": staff.next_code("dsl@school.example"),
            "csrf_token": csrf(client, "/staff/login/code"),
        },
    )
    active = client.cookies.get(SESSION)
    assert active and active != pending
    attacker = TestClient(client.app, base_url=BASE_URL, cookies={SESSION: pending})
    assert attacker.get("/staff", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_on_the_server(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    staff.create()
    staff.sign_in(client)
    token = client.cookies.get(SESSION)
    response = client.post(
        "/staff/logout", data={"csrf_token": csrf(client, "/staff")}, follow_redirects=False
    )
    assert response.headers["location"] == "/staff/login?signed_out=true"
    replay = TestClient(client.app, base_url=BASE_URL, cookies={SESSION: token})
    assert replay.get("/staff", follow_redirects=False).status_code == 303
    with app_db.read_session() as session:
        assert session.get(StaffSession, sessions.token_id(token)) is None


def test_disabling_an_account_ends_its_sessions(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    staff.create()
    staff.sign_in(client)
    with app_db.session() as session:
        user = session.scalar(select(StaffUser))
        assert user is not None
        disable_user(session, user)
    assert client.get("/staff", follow_redirects=False).status_code == 303
    assert post_login(client, "dsl@school.example", PASSWORD).status_code == 401


@pytest.mark.parametrize("field", ["last_seen_at", "expires_at"])
def test_idle_and_absolute_timeouts(
    client: TestClient, staff: Staff, app_db: Database, field: str
) -> None:
    staff.create()
    staff.sign_in(client)
    with app_db.session() as session:
        row = session.scalar(select(StaffSession))
        assert row is not None
        past = (
            utcnow() - timedelta(minutes=31)
            if field == "last_seen_at"
            else utcnow() - timedelta(seconds=1)
        )
        setattr(row, field, past)
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_roles_limit_what_staff_can_open(client: TestClient, staff: Staff) -> None:
    staff.create(username="viewer@school.example", role="viewer")
    staff.sign_in(client, "viewer@school.example")
    assert client.get("/staff").status_code == 200
    forbidden = client.get("/staff/audit")
    assert forbidden.status_code == 403 and "Your role does not include this page" in forbidden.text


def test_login_rate_limit_per_client(
    app_settings: object, app_db: Database, tmp_path: object
) -> None:
    from reclaim.web.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, login_rate_per_minute=3)  # type: ignore[arg-type]
    with TestClient(create_app(settings, app_db), base_url=BASE_URL) as limited:
        statuses = [
            post_login(limited, f"n{i}@x.example", "whatever it is here").status_code
            for i in range(4)
        ]  # type: ignore[attr-defined]
    assert statuses[:3] == [401, 401, 401] and statuses[3] == 429


def test_sign_in_and_its_failures_are_audited(
    client: TestClient, staff: Staff, app_db: Database
) -> None:
    staff.create()
    post_login(client, "dsl@school.example", "wrong password entirely")
    staff.sign_in(client)
    client.get("/staff/audit")
    with app_db.read_session() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]
    for expected in (
        "staff:user:created",
        "staff:session:login-failed",
        "staff:session:login",
        "staff:user:totp-enrolled",
        "staff:audit:viewed",
    ):
        assert expected in actions


def test_audit_viewer_filters_and_pages(client: TestClient, staff: Staff) -> None:
    staff.create()
    staff.sign_in(client)
    page = client.get("/staff/audit", params={"action": "staff:user"})
    assert "staff:user:created" in page.text and "staff:session:login<" not in page.text
    bad = client.get("/staff/audit", params={"since": "yesterday"})
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.text
    today = utcnow().date().isoformat()
    assert (
        "staff:user:created"
        in client.get("/staff/audit", params={"since": today, "until": today}).text
    )


def test_signing_in_again_does_not_reset_the_count_of_wrong_codes(
    client: TestClient, staff: Staff
) -> None:
    """Finding 8: with the password known, password + wrong code rounds must not go on for
    ever. Wrong codes are counted on their own, the lock is checked at every step, and the
    half-signed-in session ends when the lock starts (app_settings: 3 failures)."""
    staff.create()
    staff.sign_in(client)
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
    wrong = "000000" if staff.next_code("dsl@school.example") != "000000" else "111111"
    answers = []
    for _ in range(3):
        signed_in = post_login(client, "dsl@school.example", PASSWORD)
        answers.append(signed_in.status_code)
        if signed_in.status_code != 303:
            break
        for _ in range(2):
            response = client.post(
                "/staff/login/code",
                data={"code": wrong, "csrf_token": csrf(client, "/staff/login/code")},
                follow_redirects=False,
            )
            answers.append(response.status_code)
            if response.status_code == 429:
                assert "paused" in response.text
                # The half-signed-in session is over: the code page sends you to sign in.
                again = client.get("/staff/login/code", follow_redirects=False)
                assert again.status_code == 303
                break
    assert answers == [303, 401, 401, 303, 429, 429], answers
    # Still locked with the right password and the right code.
    assert post_login(client, "dsl@school.example", PASSWORD).status_code == 429


def test_wrong_passwords_and_wrong_codes_are_counted_apart(
    client: TestClient, staff: Staff
) -> None:
    staff.create()
    staff.sign_in(client)
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff")})
    for _ in range(2):
        assert (
            post_login(client, "dsl@school.example", "wrong password entirely").status_code == 401
        )
    assert post_login(client, "dsl@school.example", PASSWORD).status_code == 303
    wrong = "000000" if staff.next_code("dsl@school.example") != "000000" else "111111"
    response = client.post(
        "/staff/login/code", data={"code": wrong, "csrf_token": csrf(client, "/staff/login/code")}
    )
    assert response.status_code == 401  # one wrong code is not a third failure
    staff.sign_in(client)
    assert client.get("/staff").status_code == 200
