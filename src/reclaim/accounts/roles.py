"""Roles and what each may do. Least privilege: a role gets only what its work needs."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # manages the organisation's staff and settings; reads the audit trail
    DSL = "dsl"  # Designated Safeguarding Lead: owns cases, referrals, safety plans
    CASEWORKER = "caseworker"  # works the cases they are given
    ANALYST = "analyst"  # hotline/platform analyst: URLs, hashes, takedowns
    VIEWER = "viewer"  # reads, changes nothing


class OrganisationKind(StrEnum):
    SCHOOL = "school"
    HOTLINE = "hotline"
    CHARITY = "charity"
    PLATFORM = "platform"
    OTHER = "other"


class Permission(StrEnum):
    VIEW_DASHBOARD = "dashboard:view"
    VIEW_CASES = "cases:view"
    EDIT_CASES = "cases:edit"
    # Move a reported link along (sent to the website, removed): casework, and a hotline
    # analyst's takedown work.
    MOVE_LINKS = "links:move"
    MANAGE_HASHES = "hashes:manage"
    MANAGE_STAFF = "staff:manage"
    # The organisation's on-call list for alerts, and the code young people share reports with.
    MANAGE_ONCALL = "oncall:manage"
    MANAGE_SHARING = "sharing:manage"
    VIEW_AUDIT = "audit:view"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.DSL: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_CASES,
            Permission.EDIT_CASES,
            Permission.MOVE_LINKS,
            Permission.MANAGE_HASHES,
            Permission.MANAGE_ONCALL,
            Permission.MANAGE_SHARING,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_CASES,
            Permission.EDIT_CASES,
            Permission.MOVE_LINKS,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_CASES,
            Permission.MOVE_LINKS,
            Permission.MANAGE_HASHES,
        }
    ),
    Role.VIEWER: frozenset({Permission.VIEW_DASHBOARD, Permission.VIEW_CASES}),
}


def can(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())


def sees_case_data(role: Role | str, organisation_kind: str) -> bool:
    """Young people's reports and the lists built from them are for the organisations that
    help them. A platform's staff never see case data: platforms get hashes through the API."""
    return can(role, Permission.VIEW_CASES) and organisation_kind != OrganisationKind.PLATFORM


def requires_second_factor(role: Role | str) -> bool:
    """Two-factor is mandatory for every role that can see case data (today: all of them)."""
    return can(role, Permission.VIEW_CASES)
