"""Staff accounts: organisations, users and roles, passwords, two-factor codes and sessions;
platforms' API keys. What routes and the CLI may use is listed in ``__all__``; the model
classes are exported as types to hold and read, never to query."""

from typing import TYPE_CHECKING

from reclaim.lazy import lazy_exports

if TYPE_CHECKING:  # at run time each name loads on first use (reclaim.lazy)
    from reclaim.accounts import sessions, totp
    from reclaim.accounts.apikeys import (
        ALL_SCOPES,
        ApiKeyError,
        IssuedKey,
        KeyGrant,
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
    from reclaim.accounts.webhooks import set_webhook

__all__ = [
    "ALL_SCOPES",
    "ApiKey",
    "ApiKeyError",
    "Argon2Parameters",
    "IssuedKey",
    "KeyGrant",
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
    "set_webhook",
    "totp",
]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ALL_SCOPES": "reclaim.accounts.apikeys",
        "ApiKey": "reclaim.accounts.models",
        "ApiKeyError": "reclaim.accounts.apikeys",
        "Argon2Parameters": "reclaim.accounts.passwords",
        "IssuedKey": "reclaim.accounts.apikeys",
        "KeyGrant": "reclaim.accounts.apikeys",
        "LockoutPolicy": "reclaim.accounts.lockout",
        "LoginOutcome": "reclaim.accounts.login",
        "LoginPolicy": "reclaim.accounts.login",
        "LoginResult": "reclaim.accounts.login",
        "Organisation": "reclaim.accounts.models",
        "OrganisationKind": "reclaim.accounts.roles",
        "PasswordHasher": "reclaim.accounts.passwords",
        "PasswordRejected": "reclaim.accounts.passwords",
        "Permission": "reclaim.accounts.roles",
        "Role": "reclaim.accounts.roles",
        "Scope": "reclaim.accounts.apikeys",
        "SessionPolicy": "reclaim.accounts.sessions",
        "StaffError": "reclaim.accounts.staff",
        "StaffSession": "reclaim.accounts.models",
        "StaffUser": "reclaim.accounts.models",
        "authenticate": "reclaim.accounts.apikeys",
        "can": "reclaim.accounts.roles",
        "check_code_login": "reclaim.accounts.login",
        "check_password": "reclaim.accounts.passwords",
        "check_password_login": "reclaim.accounts.login",
        "colleague_count": "reclaim.accounts.staff",
        "create_organisation": "reclaim.accounts.staff",
        "create_user": "reclaim.accounts.staff",
        "disable_user": "reclaim.accounts.staff",
        "find_organisation": "reclaim.accounts.staff",
        "intake_organisation": "reclaim.accounts.staff",
        "issue": "reclaim.accounts.apikeys",
        "key_of": "reclaim.accounts.apikeys",
        "keys_of": "reclaim.accounts.apikeys",
        "organisation_name": "reclaim.accounts.staff",
        "replace_recovery_codes": "reclaim.accounts.login",
        "revoke": "reclaim.accounts.apikeys",
        "sees_case_data": "reclaim.accounts.roles",
        "sessions": "reclaim.accounts.sessions",
        "set_webhook": "reclaim.accounts.webhooks",
        "totp": "reclaim.accounts.totp",
    },
)
