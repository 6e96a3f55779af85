"""Safeguarding cases on both databases: the whole life of a case, encryption at rest, the
append-only chronology, retention and erasure with the audit chain still verifying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from reclaim import cases
from reclaim.accounts.models import StaffUser
from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.audit.recorder import verify_chain
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database


def _dsl(db: Database) -> int:
    with db.session() as session:
        org = create_organisation(session, "Hillside Academy", "school")
        user = create_user(
            session,
            PasswordHashing(Argon2Parameters(1, 8192, 1)),
            organisation=org,
            username="dsl@hillside.example",
            password="correct horse battery staple",
            role="dsl",
        )
        return user.id


def test_a_case_from_opening_to_purge(any_db: Database) -> None:
    user_id = _dsl(any_db)
    with any_db.session() as session:
        user = session.get(StaffUser, user_id)
        assert user is not None
        case = cases.open_case(session, user, source="parent", summary="Secret summary words")
        cases.add_child(session, user, case, cases.NewChild("pictured", name="Sam Example"))
        cases.answer_step(session, user, case, "immediate", "yes")
        cases.record_emergency_call(session, user, case, who="Ms Head", called_at=None)
        cases.add_place(session, user, case, cases.NewPlace("url", url="pics.example.org/a"))
        cases.add_referral(
            session, user, case, cases.NewReferral("police999", made_at=utcnow(), reference="R1")
        )
        cases.record_no_plan_reason(session, user, case, case.children[0].id, "Not today")
        cases.close_case(session, user, case, "done")
        case_id = case.id
    with any_db.read_session() as session:
        raw = session.execute(
            text("SELECT summary FROM safeguarding_case WHERE id = :id"), {"id": case_id}
        ).scalar_one()
        names = session.execute(text("SELECT name FROM case_child")).scalars().all()
        assert raw.startswith("v2.") and "Secret" not in raw
        assert names and all(n.startswith("v2.") for n in names)
        case = session.get(cases.Case, case_id)
        assert case is not None and case.urgent and len(case.tasks) == 1
    with any_db.session() as session, pytest.raises(cases.EntryChanged):
        entry = session.scalars(select(cases.ChronologyEntry)).first()
        assert entry is not None
        entry.text = "changed"
        session.flush()
    with any_db.session() as session:
        assert cases.purge_expired(session, 25) == []
        later = utcnow() + timedelta(days=366 * 25)
        assert [r.case_id for r in cases.purge_expired(session, 25, now=later)] == [case_id]
    with any_db.read_session() as session:
        assert session.scalars(select(cases.Case)).all() == []
        assert session.scalars(select(cases.ChronologyEntry)).all() == []
        assert verify_chain(session).ok
