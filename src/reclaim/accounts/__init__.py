"""Staff accounts: organisations, users and roles, passwords, two-factor codes and sessions;
platforms' API keys. What routes and the CLI may use is listed in ``__all__``; the model
classes are exported as types to hold and read, never to query."""

from reclaim.accounts import sessions, totp
from reclaim.accounts.apikeys import (
    ALL_SCOPES,
    ApiKeyError,
    IssuedKey,
    Scope,
    authenticate,
    issue,
    key_of,
    keys_of,
    revoke,
)
from reclaim.accounts.lockout import LockoutPolicy
from reclaim.accounts.login import (
    LoginOutcome,
    LoginPolicy,
    LoginResult,
    check_code_login,
    check_password_login,
    replace_recovery_codes,
)
from reclaim.accounts.models import ApiKey, Organisation, StaffSession, StaffUser
from reclaim.accounts.passwords import (
    Argon2Parameters,
    PasswordHasher,
    PasswordRejected,
    check_password,
)
from reclaim.accounts.roles import OrganisationKind, Permission, Role, can, sees_case_data
from reclaim.accounts.sessions import SessionPolicy
from reclaim.accounts.staff import (
    StaffError,
    colleague_count,
    create_organisation,
    create_user,
    disable_user,
    find_organisation,
    intake_organisation,
    organisation_name,
)

__all__ = [
    "ALL_SCOPES",
    "ApiKey",
    "ApiKeyError",
    "Argon2Parameters",
    "IssuedKey",
    "LockoutPolicy",
    "LoginOutcome",
    "LoginPolicy",
    "LoginResult",
    "Organisation",
    "OrganisationKind",
    "PasswordHasher",
    "PasswordRejected",
    "Permission",
    "Role",
    "Scope",
    "SessionPolicy",
    "StaffError",
    "StaffSession",
    "StaffUser",
    "authenticate",
    "can",
    "check_code_login",
    "check_password",
    "check_password_login",
    "colleague_count",
    "create_organisation",
    "create_user",
    "disable_user",
    "find_organisation",
    "intake_organisation",
    "issue",
    "key_of",
    "keys_of",
    "organisation_name",
    "replace_recovery_codes",
    "revoke",
    "sees_case_data",
    "sessions",
    "totp",
]
