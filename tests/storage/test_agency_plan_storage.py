"""The multi-agency plan on both databases: its personal words encrypted at rest, its tasks,
and erasure of the case taking every plan row with it while the audit chain verifies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from reclaim import cases
from reclaim.accounts.models import StaffUser
from reclaim.audit.recorder import verify_chain
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database
from tests.storage.test_cases_storage import _dsl


def test_a_plan_from_first_action_to_erasure(any_db: Database) -> None:
    user_id = _dsl(any_db)
    today = utcnow().date()
    with any_db.session() as session:
        user = session.get(StaffUser, user_id)
        assert user is not None
        case = cases.open_case(session, user, source="disclosure", summary="Summary words")
        child = cases.add_child(session, user, case, cases.NewChild("pictured", name="Sam"))
        assert not cases.gp_decided(session, case)
        gp = cases.add_plan_action(
            session,
            user,
            case,
            cases.NewPlanAction(
                "gp",
                cases.GP_STANDARD_ACTION,
                owner_name="Dr Secretname",
                due_on=today + timedelta(days=7),
                child_id=child.id,
            ),
        )
        cases.add_plan_action(
            session,
            user,
            case,
            cases.NewPlanAction(
                "camhs", "Assessment", owner_id=user.id, due_on=today + timedelta(days=3)
            ),
        )
        cases.schedule_review(session, user, case, today + timedelta(days=14))
        cases.record_review(
            session,
            user,
            case,
            held_on=today,
            attended="Attendeename",
            changed="Changedwords",
            next_review_on=today + timedelta(days=28),
        )
        cases.update_plan_action(session, user, case, gp, status="in_progress")
        cases.record_gp_reason(session, user, case, "Reasonwords")
        assert cases.gp_decided(session, case)
        case_id = case.id
    with any_db.read_session() as session:
        raw = [
            *session.execute(text("SELECT owner_name, what FROM case_plan_action")).all(),
            *session.execute(text("SELECT attended, changed FROM case_plan_review")).all(),
            *session.execute(text("SELECT reason, reason FROM case_plan_gp_decision")).all(),
        ]
        assert len(raw) == 4
        for row in raw:
            for value in row:
                assert value is None or (value.startswith("v2.") and "words" not in value)
        case = session.get(cases.Case, case_id)
        assert case is not None
        view = cases.agency_plan_view(session, case)
        assert [a.status for a in view.actions] == ["in_progress", "planned"]
        assert view.reviews[0].changed == "Changedwords"
        assert view.next_review is not None
        assert view.next_review.due_at.date() == today + timedelta(days=28)
        origins = sorted(t.origin for t in case.tasks)
        assert origins == ["plan_action", "plan_review", "plan_review"]
    with any_db.session() as session:
        case = session.get(cases.Case, case_id)
        assert case is not None
        cases.erase_case(session, case)
    with any_db.read_session() as session:
        for table in ("case_plan_action", "case_plan_review", "case_plan_gp_decision"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == 0
        assert session.scalars(select(cases.Case)).all() == []
        assert verify_chain(session).ok
