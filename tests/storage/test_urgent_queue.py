"""The urgent queue and staff alerts on both databases: counting, paging, marking seen, and the
outbox's one-alert-per-person rule."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select

from reclaim.accounts.passwords import Argon2Parameters, PasswordHashing
from reclaim.accounts.staff import create_organisation, create_user
from reclaim.notify import alerts
from reclaim.notify.sender import ALERT_QUIET, Notifier
from reclaim.reports import (
    AgeGroup,
    NewReport,
    create_report,
    mark_urgent_seen,
    reports_for_staff,
    urgent_for_staff,
    urgent_waiting,
)
from reclaim.reports.models import Report
from reclaim.storage.base import utcnow
from reclaim.storage.database import Database

HASHING = PasswordHashing(Argon2Parameters(1, 8192, 1))


def _report(session: object, n: int, urgent: bool) -> tuple[int, str]:
    new = NewReport(
        AgeGroup.UNDER_18,
        "GB",
        urls=[f"https://x.example/{n}"],
        feels_safe="no" if urgent else "yes",
    )
    report = create_report(session, HASHING, new).report  # type: ignore[arg-type]
    return report.id, report.public_id


def test_urgent_queue_pages_and_seen(any_db: Database) -> None:
    with any_db.session() as session:
        made = [_report(session, n, urgent=n % 2 == 0) for n in range(9)]
        nums, ids = [m[0] for m in made], [m[1] for m in made]
        staff = create_user(
            session,
            HASHING,
            organisation=create_organisation(session, "Helpline", "charity"),
            username="dsl",
            password="tulip kettle river",
            role="dsl",
            email="dsl@helpline.example",
        )
        org = staff.organisation_id  # made after the reports: they become its own (intake)
        assert urgent_waiting(session, org, "") == 5
        first = urgent_for_staff(session, org, "", page=1, size=2)
        assert (first.total, first.pages) == (5, 3)
        assert [r.public_id for r in first.reports] == [ids[0], ids[2]]  # waiting longest first
        last = urgent_for_staff(session, org, "", page=99, size=2)
        assert last.page == 3 and [r.public_id for r in last.reports] == [ids[8]]
        everything = reports_for_staff(session, org, "", page=1, size=4)
        assert everything.total == 9 and everything.reports[0].public_id == ids[8]
        assert urgent_waiting(session, org + 1000, "") == 0  # another organisation sees none
        report = session.scalar(select(Report).where(Report.public_id == ids[0]))
        assert report is not None and mark_urgent_seen(session, report, staff.id)
        assert not mark_urgent_seen(session, report, staff.id)
        assert urgent_waiting(session, org, "") == 4
        assert alerts.queue_staff_alerts(session, nums[2], staff.organisation) == 1
        assert alerts.queue_staff_alerts(session, nums[4], staff.organisation) == 1

    sent: list[EmailMessage] = []
    notifier = Notifier(any_db, any_db.settings, transport=sent.append)
    now = utcnow()
    assert notifier.deliver(now=now).sent == 1  # two reports, one email
    with any_db.session() as session:
        assert alerts.queue_staff_alerts(session, nums[6], staff.organisation) == 1
    assert notifier.deliver(now=now + timedelta(minutes=1)).sent == 0  # quiet for a while
    assert notifier.deliver(now=now + ALERT_QUIET + timedelta(seconds=1)).sent == 1
    assert [m["To"] for m in sent] == ["dsl@helpline.example"] * 2
