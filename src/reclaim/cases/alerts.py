"""Telling people when a case needs them: the on-call alert for an urgent case, and reminders
of tasks that fall due. Both go through :mod:`reclaim.notify.alerts` (one alert mechanism: the
on-call list, acknowledgement, escalation, email and web push), and hold no personal data, only
the staff page to open.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from reclaim.accounts.models import StaffUser
from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases.models import Case, Task
from reclaim.notify.alerts import (
    AlertKind,
    acknowledge_subject,
    cancel_reminders,
    forget_subject,
    open_alerts,
    raise_alert,
    remind,
)


def case_url(case: Case) -> str:
    """The case's staff page: what an alert about it opens."""
    return f"/staff/cases/{case.public_id}"


def task_url(case: Case, task: Task) -> str:
    """The task on its case's page: what its reminder opens (one reminder per task)."""
    return f"{case_url(case)}#task-{task.id}"


def alert_on_call(session: Session, case: Case) -> int:
    """The case has just become urgent: an on-call alert (first contact now, escalating until
    someone acknowledges). Returns the alert's id."""
    alert_id = raise_alert(session, case.organisation_id, AlertKind.URGENT_CASE, case_url(case))
    record(
        session,
        CaseAction.ON_CALL_ALERTED,
        object_type="case",
        object_id=case.id,
        detail={"alert": alert_id},
    )
    return alert_id


def acknowledge_case_alerts(session: Session, case: Case, user: StaffUser) -> int:
    """``user`` is dealing with the urgent case: its open alerts stop escalating."""
    return acknowledge_subject(session, case.organisation_id, case_url(case), user)


def remind_owner(session: Session, case: Case, task: Task) -> None:
    """A task with an owner, not done: its owner is emailed when it falls due (a moved due
    time moves the reminder). Not the urgent referral task: the case's on-call alert, which
    escalates until acknowledged, is that reminder."""
    if task.owner_id is not None and task.done_at is None and not task.urgent:
        remind(session, task.owner_id, task_url(case, task), task.due_at)


def stop_reminding(session: Session, case: Case, task: Task) -> None:
    cancel_reminders(session, task_url(case, task))


def forget_case(session: Session, case: Case) -> None:
    """The case is being deleted: its alerts and reminders go with it."""
    forget_subject(session, case_url(case))


def open_case_alerts(session: Session, case: Case) -> int:
    """How many alerts about this case nobody has acknowledged yet."""
    url = case_url(case)
    return sum(
        1 for alert in open_alerts(session, case.organisation_id) if alert.subject_url == url
    )
