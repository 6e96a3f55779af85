"""Staff sign-in: password, then a code from an authenticator app (set up on first sign-in)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from reclaim.accounts import (
    LoginOutcome,
    check_code_login,
    check_password_login,
    replace_recovery_codes,
    sessions,
    totp,
)
from reclaim.audit import StaffAction, current_context, record
from reclaim.storage import utcnow
from reclaim.web.cookies import SESSION_COOKIE, cookie_args, cookie_name, settings_of
from reclaim.web.csrf import verify_csrf
from reclaim.web.guards import LoginRequired, resolve_staff, session_policy, session_token
from reclaim.web.ratelimit import wait_words
from reclaim.web.services import DatabaseDep, ServicesDep
from reclaim.web.templating import render

router = APIRouter(prefix="/staff", include_in_schema=False)

REJECTED = "That username and password did not match. Check them and try again."
LOCKED = (
    "Too many attempts. For your safety, sign-in for this name is paused for {wait}. "
    "If you need help now, ask your organisation's Reclaim administrator."
)
BAD_CODE = "That code did not work. Codes change every 30 seconds: try the newest one."


def locked_text(until: datetime | None) -> str:
    seconds = (until - utcnow()).total_seconds() if until else 0.0
    return LOCKED.format(wait=wait_words(seconds))


def _with_session_cookie(request: Request, response: Response, token: str | None) -> Response:
    settings = settings_of(request)
    if token is None:
        response.delete_cookie(
            cookie_name(settings, SESSION_COOKIE),
            path="/",
            secure=settings.https,
            httponly=True,
            samesite="strict",
        )
    else:
        response.set_cookie(**cookie_args(settings, SESSION_COOKIE, token))
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login")
def login_form(request: Request, signed_out: bool = False, expired: bool = False) -> Response:
    notice = None
    if signed_out:
        notice = "You have signed out."
    elif expired:
        notice = "Your session ended. Please sign in again."
    return render(request, "staff/login.html", {"notice": notice})


@router.post("/login", dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    address = current_context().client_address or "unknown"
    wait = services.limits.login.hit(address)
    if wait:
        minutes = max(1, math.ceil(wait / 60))
        message = (
            f"Too many sign-in attempts from this connection. Please wait {minutes} minute(s)."
        )
        response = render(
            request, "staff/login.html", {"error": message, "username": username}, status_code=429
        )
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    with services.database.session() as session:
        result = check_password_login(
            session, services.password_hasher, services.login_policy, username, password
        )
        if result.outcome is not LoginOutcome.OK or result.user is None:
            if result.outcome is LoginOutcome.LOCKED:
                error, status = locked_text(result.locked_until), 429
            else:
                error, status = REJECTED, 401
            return render(
                request,
                "staff/login.html",
                {"error": error, "username": username},
                status_code=status,
            )
        user = result.user
        sessions.end(session, session_token(request))  # a new session id at every sign-in
        stage = sessions.STAGE_PASSWORD if user.totp_enabled else sessions.STAGE_ENROL
        token = sessions.start(session, user, stage, session_policy(request))
        record(
            session,
            StaffAction.STAFF_LOGIN_SUCCEEDED,
            object_type="user",
            object_id=user.id,
            actor=f"user:{user.id}",
            organisation_id=user.organisation_id,
        )
    target = "/staff/login/code" if stage == sessions.STAGE_PASSWORD else "/staff/enrol"
    return _with_session_cookie(request, _redirect(target), token)


@router.get("/login/code")
def code_form(request: Request, db: DatabaseDep) -> Response:
    with db.session() as session:
        resolve_staff(request, session, stage=sessions.STAGE_PASSWORD)
    return render(request, "staff/code.html")


@router.post("/login/code", dependencies=[Depends(verify_csrf)])
def code(
    request: Request, services: ServicesDep, code: Annotated[str, Form(max_length=40)]
) -> Response:
    policy = services.login_policy
    with services.database.session() as session:
        staff_session, user = resolve_staff(request, session, stage=sessions.STAGE_PASSWORD)
        result = check_code_login(
            session, policy, user, code, settings_of(request).secret_key_bytes()
        )
        if result.outcome is LoginOutcome.OK:
            token = sessions.rotate(
                session, staff_session, sessions.STAGE_ACTIVE, session_policy(request)
            )
            return _with_session_cookie(request, _redirect("/staff"), token)
        if result.outcome is LoginOutcome.LOCKED:
            # The half-signed-in session ends: the next try starts again from the password.
            sessions.end(session, session_token(request))
            response = render(
                request,
                "staff/login.html",
                {"error": locked_text(result.locked_until)},
                status_code=429,
            )
            return _with_session_cookie(request, response, None)
    return render(request, "staff/code.html", {"error": BAD_CODE}, status_code=401)


def _enrolment_context(request: Request, secret: str, account: str) -> dict[str, object]:
    issuer = settings_of(request).totp_issuer
    uri = totp.provisioning_uri(secret, account=account, issuer=issuer)
    # omitsize: a viewBox instead of a fixed width and height, so CSS scales the whole code
    # (quiet zone and all three finder patterns) instead of cropping it.
    qr = segno.make(uri, error="m").svg_inline(
        scale=5, omitsize=True, title="QR code for your authenticator app"
    )
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return {"qr_svg": qr, "secret": grouped, "account": account, "issuer": issuer}


@router.get("/enrol")
def enrol_form(request: Request, db: DatabaseDep) -> Response:
    with db.session() as session:
        staff_session, user = resolve_staff(request, session, stage=sessions.STAGE_ENROL)
        if not staff_session.pending_totp_secret:
            staff_session.pending_totp_secret = totp.new_secret()
        context = _enrolment_context(request, staff_session.pending_totp_secret, user.username)
    return render(request, "staff/enrol.html", context)


@router.post("/enrol", dependencies=[Depends(verify_csrf)])
def enrol(request: Request, db: DatabaseDep, code: Annotated[str, Form(max_length=40)]) -> Response:
    with db.session() as session:
        staff_session, user = resolve_staff(request, session, stage=sessions.STAGE_ENROL)
        secret = staff_session.pending_totp_secret
        if not secret:
            raise LoginRequired
        step = totp.matching_step(secret, code, last_step=None)
        if step is None:
            context = _enrolment_context(request, secret, user.username)
            context["error"] = BAD_CODE
            return render(request, "staff/enrol.html", context, status_code=400)
        user.totp_secret, user.totp_enabled, user.totp_last_step = secret, True, step
        codes = replace_recovery_codes(session, user, settings_of(request).secret_key_bytes())
        record(session, StaffAction.STAFF_TOTP_ENROLLED, object_type="user", object_id=user.id)
        token = sessions.rotate(
            session, staff_session, sessions.STAGE_ACTIVE, session_policy(request)
        )
        request.state.staff = user
    response = render(request, "staff/recovery_codes.html", {"codes": codes})
    return _with_session_cookie(request, response, token)


@router.post("/logout", dependencies=[Depends(verify_csrf)])
def logout(request: Request, db: DatabaseDep) -> Response:
    with db.session() as session:
        token = session_token(request)
        found = sessions.resolve(session, token, session_policy(request))
        if found is not None:
            user = found[1]
            record(
                session,
                StaffAction.STAFF_LOGOUT,
                object_type="user",
                object_id=user.id,
                actor=f"user:{user.id}",
                organisation_id=user.organisation_id,
            )
        sessions.end(session, token)
    return _with_session_cookie(request, _redirect("/staff/login?signed_out=true"), None)
