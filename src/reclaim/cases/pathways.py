"""An organisation's local pathways: who to call, shown in the steps where they apply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reclaim.audit.actions import CaseAction
from reclaim.audit.recorder import record
from reclaim.cases.commands import CaseError
from reclaim.cases.models import Pathway
from reclaim.cases.wording import PATHWAYS

MAX_PATHWAYS = 30


@dataclass(frozen=True, slots=True)
class Contact:
    kind: str
    name: str
    contact: str = ""

    @property
    def what(self) -> str:
        return PATHWAYS.get(self.kind, self.kind)


def pathways_of(session: Session, organisation_id: int) -> list[Contact]:
    rows = session.scalars(
        select(Pathway).where(Pathway.organisation_id == organisation_id).order_by(Pathway.id)
    )
    order = list(PATHWAYS)
    found = [Contact(r.kind, r.name, r.contact or "") for r in rows]
    return sorted(found, key=lambda c: order.index(c.kind) if c.kind in order else len(order))


def replace_pathways(session: Session, organisation_id: int, contacts: Iterable[Contact]) -> int:
    """The organisation's pathways become exactly ``contacts`` (empty names are skipped)."""
    kept = []
    for contact in contacts:
        name, how = contact.name.strip(), contact.contact.strip()
        if not name and not how:
            continue
        if contact.kind not in PATHWAYS:
            raise CaseError("Choose what each contact is.")
        if not name:
            raise CaseError(f"Write a name for the {PATHWAYS[contact.kind]}.")
        if len(name) > 200 or len(how) > 500:
            raise CaseError("A name or a contact is too long (200 and 500 characters at most).")
        kept.append(Contact(contact.kind, name, how))
    if len(kept) > MAX_PATHWAYS:
        raise CaseError(f"At most {MAX_PATHWAYS} contacts.")
    session.execute(delete(Pathway).where(Pathway.organisation_id == organisation_id))
    for contact in kept:
        session.add(
            Pathway(
                organisation_id=organisation_id,
                kind=contact.kind,
                name=contact.name,
                contact=contact.contact or None,
            )
        )
    session.flush()
    record(
        session,
        CaseAction.PATHWAYS_CHANGED,
        object_type="pathways",
        object_id=organisation_id,
        detail={"contacts": len(kept)},
    )
    return len(kept)
