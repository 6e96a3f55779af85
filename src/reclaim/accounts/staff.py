"""Creating and changing organisations and staff users."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reclaim.accounts.models import Organisation, StaffSession, StaffUser
from reclaim.accounts.passwords import PasswordHasher, check_password
from reclaim.accounts.roles import OrganisationKind, Role, requires_second_factor
from reclaim.storage.base import utcnow

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,253}$")


class StaffError(ValueError):
    """A request about staff that cannot be carried out; the message says why."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def create_organisation(session: Session, name: str, kind: str) -> Organisation:
    name = name.strip()
    if not name:
        raise StaffError("An organisation needs a name.")
    try:
        kind_value = OrganisationKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in OrganisationKind)
        raise StaffError(f"Unknown organisation kind {kind!r}; choose one of: {choices}.") from None
    if session.scalar(select(Organisation).where(Organisation.name == name)):
        raise StaffError(f"An organisation called {name!r} already exists.")
    organisation = Organisation(name=name, kind=kind_value.value)
    session.add(organisation)
    session.flush()
    return organisation


def find_organisation(session: Session, name_or_id: str) -> Organisation:
    query = select(Organisation).where(Organisation.name == name_or_id.strip())
    if name_or_id.isdigit():
        query = select(Organisation).where(Organisation.id == int(name_or_id))
    organisation = session.scalar(query)
    if organisation is None:
        raise StaffError(
            f"No organisation {name_or_id!r}. Create it with `reclaim admin create-org`."
        )
    return organisation


def intake_organisation(session: Session, name: str = "") -> Organisation | None:
    """The organisation that runs the public site (``RECLAIM_INTAKE_ORGANISATION``).

    Young people's reports belong to it, and its staff are the ones alerted to urgent reports.
    With no name configured it is the oldest organisation that is not a platform; ``None``
    only while no such organisation exists (a fresh install before `reclaim admin create-org`).
    A platform is never the intake organisation: platforms never see case data.
    """
    query = select(Organisation).where(Organisation.kind != OrganisationKind.PLATFORM.value)
    if name.strip():
        query = query.where(Organisation.name == name.strip())
    return session.scalar(query.order_by(Organisation.id).limit(1))


def create_user(
    session: Session,
    hasher: PasswordHasher,
    *,
    organisation: Organisation,
    username: str,
    password: str,
    role: str,
    display_name: str | None = None,
    email: str | None = None,
) -> StaffUser:
    name = normalise_username(username)
    if not _USERNAME.match(name):
        raise StaffError(
            "A username is 2 to 254 characters: letters, digits and . _ @ + - (an email works)."
        )
    try:
        role_value = Role(role)
    except ValueError:
        raise StaffError(
            f"Unknown role {role!r}; choose one of: {', '.join(r.value for r in Role)}."
        ) from None
    if session.scalar(select(StaffUser).where(StaffUser.username == name)):
        raise StaffError(f"The username {name!r} is taken.")
    check_password(password, second_factor=requires_second_factor(role_value), username=name)
    user = StaffUser(
        organisation_id=organisation.id,
        username=name,
        role=role_value.value,
        password_hash=hasher.hash(password),
        display_name=display_name,
        email=email,
        totp_enabled=False,
    )
    session.add(user)
    session.flush()
    return user


def disable_user(session: Session, user: StaffUser) -> None:
    """Disable an account and end every session it has, at once."""
    user.disabled_at = utcnow()
    for staff_session in session.scalars(
        select(StaffSession).where(StaffSession.user_id == user.id)
    ):
        session.delete(staff_session)
    session.flush()


def organisation_name(session: Session, organisation_id: int) -> str:
    """The organisation's name ("" if there is no such organisation)."""
    organisation = session.get(Organisation, organisation_id)
    return organisation.name if organisation is not None else ""


def colleague_count(session: Session, organisation_id: int) -> int:
    """How many staff accounts the organisation has (disabled ones included)."""
    count = session.scalar(
        select(func.count())
        .select_from(StaffUser)
        .where(StaffUser.organisation_id == organisation_id)
    )
    return int(count or 0)
