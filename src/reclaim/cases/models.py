"""Tables of a safeguarding case: the case, its children, the guided review's answers, the
places the image is, referrals, tasks and the chronology; and per organisation, its local
pathways and retention.

Everything that names or describes a person is encrypted at rest (``EncryptedText``). Rows of
a case are deleted with it (retention, erasure); the audit trail keeps only their numbers.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from reclaim.reports.references import new_public_id
from reclaim.storage.base import Base, utcnow
from reclaim.storage.encryption import EncryptedText


class Case(Base):
    """One incident, owned by exactly one organisation."""

    __tablename__ = "safeguarding_case"  # "case" is a reserved word in SQL
    __audit_subject__ = "case:case"
    __table_args__ = (UniqueConstraint("organisation_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The id in staff URLs (random); ``number`` counts within the organisation ("Case 7").
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # disclosure, colleague, parent, agency, report
    source: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(EncryptedText("safeguarding_case.summary"))
    opened_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    assigned_to: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)  # open, closed
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    urgent_since: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    close_rationale: Mapped[str | None] = mapped_column(
        EncryptedText("safeguarding_case.close_rationale")
    )
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    legal_hold_reason: Mapped[str | None] = mapped_column(
        EncryptedText("safeguarding_case.legal_hold_reason")
    )
    # A report a young person shared with this organisation, linked to this case. What it
    # shows is read through the share (reclaim.reports.sharing), so nothing of the report is
    # visible once the young person stops sharing it.
    linked_share_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_share.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    children: Mapped[list[Child]] = relationship(
        back_populates="case", order_by="Child.id", cascade="all, delete-orphan"
    )
    answers: Mapped[list[ReviewAnswer]] = relationship(
        back_populates="case", order_by="ReviewAnswer.id", cascade="all, delete-orphan"
    )
    places: Mapped[list[CasePlace]] = relationship(
        back_populates="case", order_by="CasePlace.id", cascade="all, delete-orphan"
    )
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="case", order_by="Referral.id", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="case", order_by="Task.id", cascade="all, delete-orphan"
    )
    entries: Mapped[list[ChronologyEntry]] = relationship(
        back_populates="case", order_by="ChronologyEntry.id", cascade="all, delete-orphan"
    )


class Child(Base):
    """A child involved, shown in lists only by their label ("Child A")."""

    __tablename__ = "case_child"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(8))  # "A", "B" ...
    name: Mapped[str | None] = mapped_column(EncryptedText("case_child.name"))
    date_of_birth: Mapped[str | None] = mapped_column(EncryptedText("case_child.date_of_birth"))
    year_group: Mapped[str | None] = mapped_column(EncryptedText("case_child.year_group"))
    contact: Mapped[str | None] = mapped_column(EncryptedText("case_child.contact"))
    # This child's role in this incident only: pictured, sent, received, shared, other
    role: Mapped[str] = mapped_column(String(12))
    role_note: Mapped[str | None] = mapped_column(EncryptedText("case_child.role_note"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="children")


class ReviewAnswer(Base):
    """One answer to a step of the initial review. Answers are never changed: a new answer
    to the same step is a new row, and the newest one counts."""

    __tablename__ = "case_review_answer"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(24))
    answer: Mapped[str] = mapped_column(String(24))
    # The rationale, the reason, who did it (free text: it may name people).
    note: Mapped[str | None] = mapped_column(EncryptedText("case_review_answer.note"))
    who: Mapped[str | None] = mapped_column(EncryptedText("case_review_answer.who"))
    happened_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="answers")


class CasePlace(Base):
    """Where the image is, or who has it. A URL is recorded in canonical form, never fetched."""

    __tablename__ = "case_place"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # url, app, group, device, person
    url: Mapped[str | None] = mapped_column(EncryptedText("case_place.url"))
    detail: Mapped[str | None] = mapped_column(EncryptedText("case_place.detail"))
    learned_from: Mapped[str | None] = mapped_column(EncryptedText("case_place.learned_from"))
    seen_at: Mapped[datetime | None]
    # there, asked (removal asked for), removed, secured (a device), unknown
    status: Mapped[str] = mapped_column(String(10), default="there")
    platform_reported_at: Mapped[datetime | None]
    iwf_reported_at: Mapped[datetime | None]
    iwf_reference: Mapped[str | None] = mapped_column(EncryptedText("case_place.iwf_reference"))
    police_reported_at: Mapped[datetime | None]
    police_reference: Mapped[str | None] = mapped_column(
        EncryptedText("case_place.police_reference")
    )
    # A web address is also a place in the organisation's takedown queue (reclaim.takedown):
    # one record per organisation and URL, whichever report, case or import named it.
    takedown_place_id: Mapped[int | None] = mapped_column(
        ForeignKey("takedown_place.id", ondelete="SET NULL"), index=True
    )
    added_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="places")


class Referral(Base):
    """A referral to an agency, with its reference, outcome and follow-up."""

    __tablename__ = "case_referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    # ceop, police101, police999, social_care, iwf, report_remove, gp_camhs, nspcc, platform,
    # other
    agency: Mapped[str] = mapped_column(String(16))
    agency_name: Mapped[str | None] = mapped_column(EncryptedText("case_referral.agency_name"))
    made_at: Mapped[datetime]
    made_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    reference: Mapped[str | None] = mapped_column(EncryptedText("case_referral.reference"))
    outcome: Mapped[str | None] = mapped_column(EncryptedText("case_referral.outcome"))
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    follow_up_task_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_task.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="referrals")


class Task(Base):
    """Something someone must do by a time."""

    __tablename__ = "case_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(EncryptedText("case_task.title"))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(index=True)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(12), default="manual")  # manual, review, referral
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="tasks")


class ChronologyEntry(Base):
    """One line of the chronology. Append-only: a correction is a new entry pointing at the
    one it corrects (see reclaim.cases.chronology, which refuses updates)."""

    __tablename__ = "case_chronology_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    # note, step, decision, referral, status, place, child, task, report, correction
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(EncryptedText("case_chronology_entry.text"))
    # When what it records happened, if earlier than when it was written down.
    occurred_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_chronology_entry.id", ondelete="CASCADE")
    )

    case: Mapped[Case] = relationship(back_populates="entries")


class Pathway(Base):
    """A local contact the steps point to: the DSL and deputies, police, children's social
    care front door, CAMHS or school nurse, GP practice."""

    __tablename__ = "case_pathway"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(EncryptedText("case_pathway.name"))
    contact: Mapped[str | None] = mapped_column(EncryptedText("case_pathway.contact"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CasePolicy(Base):
    """An organisation's own case settings (only when it differs from the defaults)."""

    __tablename__ = "case_policy"
    __audit_subject__ = "case:policy"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    retention_years: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SafetyPlan(Base):
    """A child's safety plan in a case (one per child), made with the child in their own words
    (:mod:`reclaim.cases.safety_plan`). Its words are in versions: every change is a new
    :class:`SafetyPlanVersion`, and earlier ones stay readable. Without any version, the row
    can hold the reason there is no plan yet (who recorded it, when). The child's consent to
    see the plan on their status page is recorded here by staff, and can be withdrawn."""

    __tablename__ = "case_safety_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    child_id: Mapped[int] = mapped_column(
        ForeignKey("case_child.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The child agreed that the plan shows on their status page (behind reference and PIN).
    shown_to_child: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    consent_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    consent_at: Mapped[datetime | None]
    # The linked report the consent was for: the plan shows only while the case links that
    # one (another report linked later is another young person's, perhaps).
    consent_share_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_share.id", ondelete="SET NULL")
    )
    # Why there is no plan yet ("the child did not want one today; revisit on ...").
    no_plan_reason: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan.no_plan_reason")
    )
    no_plan_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    no_plan_at: Mapped[datetime | None]

    case: Mapped[Case] = relationship(
        backref=backref("safety_plans", cascade="all, delete-orphan", passive_deletes=True)
    )
    versions: Mapped[list[SafetyPlanVersion]] = relationship(
        back_populates="plan",
        order_by="SafetyPlanVersion.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SafetyPlanVersion(Base):
    """One version of a safety plan: the six steps and "what matters to me", in the child's
    words, with who wrote it down and when. Never changed: a change is a new version."""

    __tablename__ = "case_safety_plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("case_safety_plan.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    warning_signs: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan_version.warning_signs")
    )
    on_my_own: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan_version.on_my_own")
    )
    distractions: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan_version.distractions")
    )
    people: Mapped[str | None] = mapped_column(EncryptedText("case_safety_plan_version.people"))
    professionals: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan_version.professionals")
    )
    surroundings: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan_version.surroundings")
    )
    what_matters: Mapped[str | None] = mapped_column(
        EncryptedText("case_safety_plan_version.what_matters")
    )
    made_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    made_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[SafetyPlan] = relationship(back_populates="versions")


# The multi-agency plan (reclaim.cases.agency_plan) ------------------------------------------


class PlanAction(Base):
    """One action of the multi-agency plan around a child (or the whole case): which agency,
    a named person who owns it (free text; optionally a colleague, whose due date is then a
    task), what they will do, by when, and where it stands."""

    __tablename__ = "case_plan_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    # None: the whole case.
    child_id: Mapped[int | None] = mapped_column(ForeignKey("case_child.id", ondelete="SET NULL"))
    # school, gp, camhs, social_care, police, parents, other (reclaim.cases.agency_plan)
    agency: Mapped[str] = mapped_column(String(16))
    agency_name: Mapped[str | None] = mapped_column(EncryptedText("case_plan_action.agency_name"))
    owner_name: Mapped[str | None] = mapped_column(EncryptedText("case_plan_action.owner_name"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    what: Mapped[str] = mapped_column(EncryptedText("case_plan_action.what"))
    due_on: Mapped[date | None] = mapped_column(Date)
    # planned, in_progress, done, not_going_ahead
    status: Mapped[str] = mapped_column(String(16), default="planned")
    # Why it is not going ahead (or any note with the latest status change).
    status_note: Mapped[str | None] = mapped_column(EncryptedText("case_plan_action.status_note"))
    # The task that reminds a colleague who owns it (when it has a due date).
    task_id: Mapped[int | None] = mapped_column(ForeignKey("case_task.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PlanReview(Base):
    """A review of the multi-agency plan, as it was held: who came and what changed. Never
    changed afterwards (a correction goes into the chronology)."""

    __tablename__ = "case_plan_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    attended: Mapped[str | None] = mapped_column(EncryptedText("case_plan_review.attended"))
    changed: Mapped[str] = mapped_column(EncryptedText("case_plan_review.changed"))
    next_review_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanGpDecision(Base):
    """Why the child's GP is not part of the plan, recorded by the DSL (the newest counts; a
    GP action in the plan is the other way to decide)."""

    __tablename__ = "case_plan_gp_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("safeguarding_case.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(EncryptedText("case_plan_gp_decision.reason"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
