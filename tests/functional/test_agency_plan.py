"""The multi-agency plan of a safeguarding case over real HTTP (issue 13, item 3): actions with
agency, named owner, due date and status; review dates that are tasks with reminders; every
review recorded with what changed; the GP decision (an action, or why not)."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from reclaim import cases
from reclaim.accounts.models import StaffUser
from reclaim.audit.models import AuditEvent
from reclaim.audit.recorder import verify_chain
from reclaim.cases import Case
from reclaim.notify.models import Reminder
from reclaim.notify.sender import Notifier
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from tests.conftest import Staff
from tests.functional.test_cases import SCHOOL, _browser, _open, _post


@pytest.fixture
def dsl(client: TestClient, staff: Staff, app_db: Database) -> tuple[TestClient, str]:
    staff.create("dsl@hillside.example", role="dsl", org=SCHOOL)
    with app_db.session() as session:
        user = session.scalar(select(StaffUser).where(StaffUser.username == "dsl@hillside.example"))
        assert user is not None
        user.email = "dsl@hillside.example"
    return _browser(client, staff, "dsl@hillside.example")


REVIEW_ON = "2030-01-10"


def _me(app_db: Database, username: str = "dsl@hillside.example") -> int:
    with app_db.read_session() as session:
        found = session.scalar(select(StaffUser.id).where(StaffUser.username == username))
        assert found is not None
        return found


def _case(session: Any, public_id: str) -> Case:
    case = session.scalar(select(Case).where(Case.public_id == public_id))
    assert case is not None
    return case


def test_a_dsl_builds_the_plan_reviews_it_and_every_change_is_recorded(
    dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    me = _me(app_db)
    public_id = _open(browser, token)
    base = f"/staff/cases/{public_id}"
    plan = f"{base}/plan"
    _post(browser, token, f"{base}/children", role="pictured", name="Sam Example")
    with app_db.read_session() as session:
        child_id = _case(session, public_id).children[0].id

    # Until the DSL decides, the case page says so (and closing is not blocked here).
    page = browser.get(base).text
    assert "GP: not yet decided" in page and 'data-testid="plan-brief"' in page
    page = browser.get(plan)
    assert page.status_code == 200 and cases.GP_STANDARD_ACTION in html.unescape(page.text)

    # Bad input: a clear error, nothing stored.
    for data, words in (
        ({"agency": "gp", "what": "x"}, "Write who owns the action"),
        ({"agency": "astrologer", "what": "x", "owner_name": "A"}, "Choose the agency"),
        ({"agency": "other", "what": "x", "owner_name": "A"}, "Write the name of the agency"),
        ({"agency": "gp", "what": "", "owner_name": "A"}, "Write what will be done"),
        ({"agency": "gp", "what": "x", "owner_name": "A", "due_on": "soon"}, "as a date"),
        ({"agency": "gp", "what": "x", "owner_name": "A", "child_id": "abc"}, "Choose a child"),
        ({"agency": "gp", "what": "x", "owner_name": "A", "child_id": "999"}, "Choose a child"),
    ):
        refused = _post(browser, token, f"{plan}/actions", **data)
        assert refused.status_code == 400 and words in html.unescape(refused.text), words
    with app_db.read_session() as session:
        assert cases.agency_plan_view(session, _case(session, public_id)).actions == []

    # The standard GP action, owned by a named doctor outside the school: no task.
    added = _post(
        browser,
        token,
        f"{plan}/actions",
        agency="gp",
        what=cases.GP_STANDARD_ACTION,
        owner_name="Dr Patel, Riverside Surgery",
        due_on="2030-01-05",
        child_id=str(child_id),
    )
    assert added.status_code == 303 and added.headers["location"].endswith(
        "plan?saved=action#plan-actions"
    )
    # CAMHS, owned by a colleague (me) with a due date: a task with a reminder.
    _post(
        browser,
        token,
        f"{plan}/actions",
        agency="camhs",
        what="Refer to CAMHS for an assessment; share the plan",
        owner_name="Ms Jones",
        owner_id=str(me),
        due_on="2030-01-03",
    )
    page = html.unescape(browser.get(base).text)
    assert "GP: in the plan (planned)" in page and "Dr Patel, Riverside Surgery" in page
    with app_db.read_session() as session:
        case = _case(session, public_id)
        assert cases.gp_decided(session, case)
        action_task = next(t for t in case.tasks if t.origin == "plan_action")
        assert action_task.title.startswith("Plan action (CAMHS)") and action_task.owner_id == me
        camhs = next(
            a for a in cases.agency_plan_view(session, case).actions if a.agency == "camhs"
        )
        assert camhs.owner.startswith("Ms Jones (") and camhs.child == "The whole case"

    # A review date: a task for its owner, with a reminder; in "My tasks" with a clear title.
    assert _post(browser, token, f"{plan}/next-review", review_on="").status_code == 400
    assert (
        _post(browser, token, f"{plan}/next-review", review_on=REVIEW_ON, owner_id=str(me))
    ).status_code == 303
    assert "Review the multi-agency plan" in browser.get("/staff/cases").text
    assert "Review the multi-agency plan" in browser.get("/staff").text
    with app_db.read_session() as session:
        case = _case(session, public_id)
        review_task = next(t for t in case.tasks if t.origin == "plan_review")
        url = f"{base}#task-{review_task.id}"
        reminders = session.scalars(select(Reminder).where(Reminder.subject_url == url)).all()
        assert [r.staff_user_id for r in reminders] == [me]
    # Setting it again moves it: still one review task.
    _post(browser, token, f"{plan}/next-review", review_on="2030-01-11", owner_id=str(me))
    with app_db.read_session() as session:
        case = _case(session, public_id)
        assert [t.id for t in case.tasks if t.origin == "plan_review"] == [review_task.id]

    # A review: "what changed" is required; a review in the future is refused.
    today = utcnow().date()
    refused = _post(browser, token, f"{plan}/reviews", held_on=today.isoformat(), changed="")
    assert refused.status_code == 400 and "Write what changed" in refused.text
    refused = _post(
        browser,
        token,
        f"{plan}/reviews",
        held_on=(today + timedelta(days=2)).isoformat(),
        changed="x",
    )
    assert refused.status_code == 400
    recorded = _post(
        browser,
        token,
        f"{plan}/reviews",
        held_on=today.isoformat(),
        attended="DSL, Ms Jones (CAMHS), Child A's mother",
        changed="CAMHS appointment booked; Child A sleeping better.",
        next_review_on="2030-02-10",
        owner_id=str(me),
    )
    assert recorded.status_code == 303
    with app_db.read_session() as session:
        case = _case(session, public_id)
        reviews = [t for t in case.tasks if t.origin == "plan_review"]
        assert [t.done_at is not None for t in reviews] == [True, False]
        assert reviews[1].due_at.date().isoformat() == "2030-02-10"
        assert session.scalars(select(Reminder).where(Reminder.subject_url == url)).all() == []

    # Status: "not going ahead" needs its reason; done completes the colleague's task.
    with app_db.read_session() as session:
        view = cases.agency_plan_view(session, _case(session, public_id))
        camhs_id = next(a.id for a in view.actions if a.agency == "camhs")
    refused = _post(browser, token, f"{plan}/actions/{camhs_id}", status="not_going_ahead")
    assert refused.status_code == 400 and "Write why it is not going ahead" in refused.text
    assert _post(browser, token, f"{plan}/actions/999999", status="done").status_code == 404
    done = _post(browser, token, f"{plan}/actions/{camhs_id}", status="done", note="Seen")
    assert done.status_code == 303
    with app_db.read_session() as session:
        case = _case(session, public_id)
        assert next(t for t in case.tasks if t.origin == "plan_action").done_at is not None

    # The chronology holds it all, the audit names each change, and the chain verifies.
    with app_db.read_session() as session:
        case = _case(session, public_id)
        plan_lines = [e.text for e in case.entries if e.kind == "agency"]
        assert len(plan_lines) == 7, plan_lines  # 2 actions, 3 dates, 1 review, 1 update
        assert any("What changed: CAMHS appointment booked" in t for t in plan_lines)
        assert any("Planned to Done" in t for t in plan_lines)
        actions = set(
            session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(case.id)))
        )
        assert {
            "case:plan-action:added",
            "case:plan-action:updated",
            "case:plan-review:scheduled",
            "case:plan-review:recorded",
        } <= actions
        assert verify_chain(session).ok
    csv_text = browser.get(f"{base}/chronology.csv").text
    assert "Plan review held on" in csv_text and "Ms Jones (CAMHS)" in csv_text
    summary = html.unescape(browser.get(f"{base}/summary").text)
    assert "GP: in the plan (planned)" in summary and "CAMHS: done" in summary


def test_the_gp_not_involved_is_a_recorded_reason(
    dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    public_id = _open(browser, token)
    plan = f"/staff/cases/{public_id}/plan"
    assert _post(browser, token, f"{plan}/gp-reason", reason=" ").status_code == 400
    reason = "The family has no GP yet; the school nurse is arranging registration."
    assert _post(browser, token, f"{plan}/gp-reason", reason=reason).status_code == 303
    page = html.unescape(browser.get(plan).text)
    assert "GP: not involved, with the reason recorded" in page and reason in page
    assert 'data-testid="gp-action-form"' not in page
    with app_db.read_session() as session:
        case = _case(session, public_id)
        assert cases.gp_decided(session, case)
        assert any(e.text.endswith(reason) for e in case.entries if e.kind == "agency")
        assert session.scalar(
            select(AuditEvent.seq).where(AuditEvent.action == "case:plan-gp:reason-recorded")
        )


def test_a_due_review_reminds_its_owner_by_email(
    dsl: tuple[TestClient, str], app_db: Database, app_settings: Any
) -> None:
    """The review date is a task; when it falls due the sender's round (a fake clock here)
    emails its owner through the notify outbox, with the page to open and nothing else."""
    browser, token = dsl
    me = _me(app_db)
    public_id = _open(browser, token, summary="Sam Example was threatened")
    plan = f"/staff/cases/{public_id}/plan"
    _post(browser, token, f"{plan}/next-review", review_on=REVIEW_ON, owner_id=str(me))
    with app_db.read_session() as session:
        task = next(t for t in _case(session, public_id).tasks if t.origin == "plan_review")
        task_id = task.id
    due = datetime.combine(
        datetime.fromisoformat(REVIEW_ON).date(), time(9), tzinfo=task.due_at.tzinfo
    )
    sent: list[Any] = []
    notifier = Notifier(app_db, app_settings, transport=sent.append)
    assert notifier.tick(now=due - timedelta(minutes=1)).sent == 0
    assert notifier.tick(now=due + timedelta(minutes=1)).sent == 1
    assert notifier.tick(now=due + timedelta(hours=1)).sent == 0  # once
    assert sent[0]["To"] == "dsl@hillside.example" and str(sent[0]["Subject"]) == "A task is due"
    body = sent[0].get_body(("plain",)).get_content()
    assert f"/staff/cases/{public_id}#task-{task_id}" in body
    assert "Sam" not in body and "CAMHS" not in body


def test_who_may_read_and_change_the_plan(
    client: TestClient, staff: Staff, dsl: tuple[TestClient, str], app_db: Database
) -> None:
    browser, token = dsl
    public_id = _open(browser, token)
    plan = f"/staff/cases/{public_id}/plan"
    _post(
        browser,
        token,
        f"{plan}/actions",
        agency="school",
        what="Daily check-in",
        owner_name="Ms Head",
    )
    staff.create("viewer@hillside.example", role="viewer", org=SCHOOL)
    staff.create("worker@hillside.example", role="caseworker", org=SCHOOL)
    staff.create("dsl@other.example", role="dsl", org="Other School")
    viewer, vtoken = _browser(client, staff, "viewer@hillside.example")
    page = viewer.get(plan)
    assert page.status_code == 200 and "Daily check-in" in page.text
    assert 'data-testid="plan-action-form"' not in page.text
    for path, data in (
        ("actions", {"agency": "gp", "what": "x", "owner_name": "A"}),
        ("next-review", {"review_on": REVIEW_ON}),
        ("gp-reason", {"reason": "x"}),
        ("reviews", {"held_on": "2020-01-01", "changed": "x"}),
    ):
        assert _post(viewer, vtoken, f"{plan}/{path}", **data).status_code == 403
    worker, _ = _browser(client, staff, "worker@hillside.example")
    assert worker.get(plan).status_code == 404  # not their case
    other, otoken = _browser(client, staff, "dsl@other.example")
    assert other.get(plan).status_code == 404
    refused = _post(other, otoken, f"{plan}/gp-reason", reason="x")
    assert refused.status_code == 404
    # A closed case keeps its plan readable; changing it needs reopening.
    _post(browser, token, f"/staff/cases/{public_id}/close", rationale="Plan in place")
    refused = _post(browser, token, f"{plan}/gp-reason", reason="x")
    assert refused.status_code == 400 and "Reopen it first" in refused.text
    with app_db.read_session() as session:
        case = _case(session, public_id)
        assert not cases.gp_decided(session, case)
        assert [e for e in case.entries if e.kind == "agency" and e.text.endswith("x")] == []


def test_an_action_is_handed_to_a_new_owner_and_its_task_follows(
    dsl: tuple[TestClient, str], staff: Staff, app_db: Database
) -> None:
    """A colleague is off sick: the DSL gives their action to another colleague (the task and
    its reminder follow), then to a named person outside the school (the DSL keeps the task,
    to follow it up). Each step is in the chronology and the audit trail."""
    browser, token = dsl
    me = _me(app_db)
    staff.create("deputy@hillside.example", role="dsl", org=SCHOOL)
    deputy = _me(app_db, "deputy@hillside.example")
    public_id = _open(browser, token)
    plan = f"/staff/cases/{public_id}/plan"
    _post(
        browser,
        token,
        f"{plan}/actions",
        agency="camhs",
        what="Refer to CAMHS",
        owner_id=str(me),
        due_on="2030-01-03",
    )
    with app_db.read_session() as session:
        action = cases.agency_plan_view(session, _case(session, public_id)).actions[0]
    url = f"{plan}/actions/{action.id}"
    form = browser.get(plan).text
    assert f'id="action-owner-{action.id}"' in form and 'name="owner_name"' in form

    refused = _post(browser, token, url, status="planned", owner_id="99999")
    assert refused.status_code == 400 and "Choose someone in your organisation" in refused.text
    unchanged = _post(browser, token, url, status="planned", owner_id=str(me))
    assert unchanged.status_code == 303  # nothing changed: nothing recorded

    assert _post(browser, token, url, status="planned", owner_id=str(deputy)).status_code == 303
    with app_db.read_session() as session:
        case = _case(session, public_id)
        task = next(t for t in case.tasks if t.origin == "plan_action")
        assert task.owner_id == deputy and task.done_at is None
        reminders = session.scalars(select(Reminder)).all()
        assert [r.staff_user_id for r in reminders if r.queued_at is None] == [deputy]
        row = cases.agency_plan_view(session, case).actions[0]
        assert row.owner.startswith("deputy@hillside.example") or "deputy" in row.owner
        texts = [e.text for e in case.entries]
        assert any("Owner now" in t and "deputy" in t for t in texts)
        assert any(t.startswith("Handed over: Plan action (CAMHS)") for t in texts)

    moved = _post(browser, token, url, status="in_progress", owner_name="Dr Shah, CAMHS")
    assert moved.status_code == 303
    with app_db.read_session() as session:
        case = _case(session, public_id)
        task = next(t for t in case.tasks if t.origin == "plan_action")
        assert task.owner_id == me  # the DSL follows it up with Dr Shah
        row = cases.agency_plan_view(session, case).actions[0]
        assert row.owner == "Dr Shah, CAMHS" and row.status == "in_progress"
        actions = [e.action for e in session.scalars(select(AuditEvent))]
        assert actions.count("case:task:handed-over") == 2
        assert actions.count("case:plan-action:updated") == 2
        assert verify_chain(session).ok
