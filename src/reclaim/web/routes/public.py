"""The public site: the young person's journey, no account, every page server-rendered.

Start ("How old are you?", "Where do you live?"), the route for each age, the "someone is
threatening me" path, the report (hashing happens in the browser; the only step that needs
JavaScript), reference + PIN, status with withdraw and delete, help pages, the directory and
the privacy page. The chosen country is kept in a cookie (or ``?country=``), never an account.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from reclaim.cases import copy_for_report
from reclaim.config import Settings
from reclaim.directory import COUNTRY_ORDER, Country, countries
from reclaim.directory import country as directory_country
from reclaim.reports import (
    WHAT_IS_NOT_SHARED,
    WHAT_IS_SHARED,
    AgeGroup,
    Outcome,
    ProofRejected,
    Report,
    SharingError,
    erase,
    find_organisation_by_code,
    is_urgent,
    report_by_reference,
    share_report,
    shares_of,
    show_reference,
    status_of,
    stop_sharing,
    withdraw,
)
from reclaim.storage import Session
from reclaim.web.body import FormDep
from reclaim.web.cookies import cookie_args, settings_of
from reclaim.web.csrf import verify_csrf
from reclaim.web.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    N_,
    choose_language,
    local_country,
    use_language,
    words_of,
)
from reclaim.web.i18n import gettext as _
from reclaim.web.problems import ApiProblem
from reclaim.web.report_access import WRONG_PIN, check_pin, locked_message
from reclaim.web.report_intake import ReportIn, earlier_report, make_report
from reclaim.web.report_sharing import SHARE_CODE_NOT_FOUND, check_share_code_rate
from reclaim.web.report_status import status_page_context
from reclaim.web.services import ServicesDep
from reclaim.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(use_language)])

COUNTRY_COOKIE = "reclaim_country"
AGES = {
    "under13": N_("I am 12 or younger"),
    "under18": N_("I am 13 to 17"),
    "adult_taken_under18": N_("I am 18 or over, and the image was taken when I was under 18"),
    "adult": N_("I am 18 or over, and the image was taken when I was 18 or over"),
}
#: The directory's country names, as the start page offers them (translated there).
COUNTRY_NAMES = (
    N_("United Kingdom"),
    N_("United States"),
    N_("Canada"),
    N_("Australia"),
    N_("Somewhere else"),
)
#: Children: the young people's services, the young people's help line.
CHILDREN = frozenset({"under13", "under18"})
ACCESS_SECONDS = 15 * 60


def find_country(code: str | None, default: str = "GB") -> Country:
    """The directory's country for ``code``, its entries in the request's language."""
    return local_country(directory_country(code, default))


def anywhere() -> Country:
    """The services for adults anywhere, in the request's language."""
    return local_country(countries()["ANY"])


def _settings(request: Request) -> Settings:
    return settings_of(request)


def chosen_country(request: Request) -> str:
    settings = _settings(request)
    for value in (request.query_params.get("country"), request.cookies.get(COUNTRY_COOKIE)):
        if value and value.upper() in countries() and value.upper() != "ANY":
            return value.upper()
    return find_country(settings.default_country).code


def remember_country(request: Request, code: str) -> None:
    args = cookie_args(_settings(request), COUNTRY_COOKIE, code, max_age=180 * 24 * 3600)
    args["key"] = COUNTRY_COOKIE  # not a secret; the plain name works over HTTP and HTTPS
    pending = getattr(request.state, "set_cookies", [])
    pending.append(args)
    request.state.set_cookies = pending


def remember_language(request: Request, language: str) -> None:
    args = cookie_args(_settings(request), LANG_COOKIE, language, max_age=180 * 24 * 3600)
    args["key"] = LANG_COOKIE  # not a secret, like the country
    pending = getattr(request.state, "set_cookies", [])
    pending.append(args)
    request.state.set_cookies = pending


def language_switch(request: Request, language: str) -> list[dict[str, str]]:
    """The other languages as links to this page in them (``?lang=``, remembered)."""
    links = []
    for code, name in LANGUAGES.items():
        if code != language:
            query = request.url.include_query_params(lang=code).query
            links.append({"code": code, "name": name, "href": f"{request.url.path}?{query}"})
    return links


def page(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    adult: bool = False,
    group: str = "",
) -> Response:
    """Render a public page with the chosen country's help numbers and the quick exit.

    ``group`` is the start page's answer when known: a grown-up whose image was taken under
    18 is offered neither the young people's line (Childline is for under-19s) nor the line
    for adults worried about a child, but the crisis line, which is for anyone."""
    code = chosen_country(request)
    if request.query_params.get("country"):
        remember_country(request, code)
    place = find_country(code)
    taken_under18 = group == "adult_taken_under18"
    language = choose_language(request)
    if request.query_params.get("lang") in LANGUAGES:
        remember_language(request, language)
    values: dict[str, Any] = {
        "lang": language,
        # Not on a page a form was sent to (it may hold a new PIN): that would leave it.
        "languages": language_switch(request, language) if request.method == "GET" else [],
        "place": place,
        "helpline": place.crisis_line() if taken_under18 else place.helpline(adult),
        "country_code": code,
        "country_choices": [countries()[c] for c in COUNTRY_ORDER if c in countries()],
        "quick_exit_url": _settings(request).quick_exit_url,
        "notifications": _settings(request).notifications_enabled,
        "adult": adult,
    }
    values.update(context or {})
    return render(request, name, values, status_code=status_code)


@router.get("/")
def start(request: Request) -> Response:
    return page(request, "young/start.html", {"ages": AGES})


@router.get("/start")
def route_by_age(request: Request, age: str = "", country: str = "") -> Response:
    if age not in AGES:
        return page(
            request,
            "young/start.html",
            {"ages": AGES, "error": _("Choose how old you are, then press Next.")},
            status_code=400,
        )
    adult = age == "adult"
    code = chosen_country(request)
    place = find_country(code)
    context = {
        "age": age,
        "remove": place.for_use("remove-image", group=age),
        "report_crime": place.for_use("report-crime", group=age),
        "talk": place.for_use("talk", group=age),
        "anywhere": list(anywhere().entries) if adult else [],
    }
    return page(request, "young/options.html", context, adult=age not in CHILDREN, group=age)


@router.get("/threatened")
def threatened(request: Request) -> Response:
    place = find_country(chosen_country(request))
    return page(
        request,
        "young/threatened.html",
        {
            "report_crime": place.for_use("report-crime"),
            "talk": place.for_use("talk"),
            "remove": place.for_use("remove-image"),
        },
    )


@router.get("/sent-to-me")
def sent_to_me(request: Request) -> Response:
    """Someone sent me a nude photo of someone else: do not forward, do not screenshot, tell an
    adult, report the link (the seed: "report the URL to the IWF")."""
    place = find_country(chosen_country(request))
    return page(
        request,
        "young/sent_to_me.html",
        {"report_url": place.for_use("report-url"), "talk": place.for_use("talk")},
    )


@router.get("/get-help")
def get_help(request: Request) -> Response:
    place = find_country(chosen_country(request))
    return page(
        request,
        "young/get_help.html",
        {"crisis": place.for_use("crisis"), "talk": place.for_use("talk")},
    )


@router.get("/report")
def report_page(request: Request, services: ServicesDep, age: str = "under18") -> Response:
    """``?for=child``: a parent, carer or teacher makes the report for a child, from the
    device that holds the image (as Take It Down allows); the page speaks to the adult."""
    if age not in AGES:
        age = "under18"
    for_child = request.query_params.get("for") == "child" and age in CHILDREN
    context = {
        "age": age,
        "for_child": for_child,
        "form_token": services.report_proof.form_token(),
    }
    return page(
        request,
        "young/report.html",
        context,
        adult=for_child or age not in CHILDREN,
        group="adult" if for_child else age,
    )


SEND_AGAIN = N_("Please check what you wrote, then press Send my report again.")


def _form_text(form: Any, name: str, limit: int = 2000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


@router.post("/report", dependencies=[Depends(verify_csrf)])
def report_form(request: Request, services: ServicesDep, form: FormDep) -> Response:
    """The no-JavaScript way in: links and what was typed (hashes need the browser step)."""
    age = _form_text(form, "age_group", 40)
    if age not in AGES:
        age = "under18"
    choice = {"yes": True, "no": False}
    threatened = choice.get(_form_text(form, "threatened", 10))
    feels_safe = _form_text(form, "feels_safe", 10) or None
    data: dict[str, Any] = {
        "age_group": age,
        "country": chosen_country(request),
        "urls": [line for line in _form_text(form, "urls", 20000).splitlines() if line.strip()],
        "apps": _form_text(form, "apps"),
        "who_has_it": _form_text(form, "who_has_it"),
        "threatened": threatened,
        "feels_safe": feels_safe,
        "contact": _form_text(form, "contact", 200) or None,
        "website": _form_text(form, "website", 200),
        "made_by_adult": age in CHILDREN and _form_text(form, "made_by_adult", 10) == "yes",
    }
    for_child = bool(data["made_by_adult"])
    adult = age == "adult" or for_child
    urgent = is_urgent(threatened, feels_safe, age)

    def again(error: str, status_code: int, crisis: bool = False) -> Response:
        """The form again, with what they typed, a new token, and help at once if needed."""
        context = {
            "age": age,
            "for_child": for_child,
            "error": error,
            "error_help": crisis or urgent,
            "form_token": services.report_proof.form_token(),
            **data,
        }
        return page(request, "young/report.html", context, status_code=status_code, adult=adult)

    # The single-use form token names this submission: sent again (a dropped answer, a
    # browser resending), it gets the report it already made, not "send again".
    token = _form_text(form, "form_token", 200)
    retry_key = f"form:{hashlib.sha256(token.encode()).hexdigest()}" if token else None
    earlier = earlier_report(services, retry_key) if retry_key else None
    try:
        # Without JavaScript there is no proof-of-work: a signed, single-use form token that
        # is a few seconds old stands in for it (people read and type; scripts post at once).
        if earlier is None:
            services.report_proof.check_form(token, services.settings.bot_guard_form_seconds)
    except ProofRejected:
        return again(_(SEND_AGAIN), 400)
    try:
        body = ReportIn.model_validate(data)
        created = earlier or make_report(request, services, body, "form", retry_key)
    except ValidationError:
        return again(_("Some of what you typed is too long. Make it shorter."), 400)
    except ApiProblem as problem:
        return again(problem.detail, problem.status, crisis=problem.status == 429)
    report = created.report
    return page(
        request,
        "young/report_made.html",
        {
            "reference": show_reference(report.reference),
            "pin": created.pin,
            "urgent": report.urgent,
            "feels_safe": body.feels_safe,
            "threatened": body.threatened,
            "alerted": created.staff_alerted > 0,
            "exact_only": created.exact_only,
            "for_child": for_child,
        },
        adult=adult,
        group="adult" if for_child else age,
    )


# Status, withdraw and delete ---------------------------------------------------------------


def _access_token(request: Request, reference: str, expires: int) -> str:
    key = _settings(request).secret_key_bytes()
    body = f"status|{reference}|{expires}"
    return f"{expires}.{hmac.new(key, body.encode(), hashlib.sha256).hexdigest()}"


def _grant(request: Request, reference: str) -> str:
    return _access_token(request, reference, int(time.time()) + ACCESS_SECONDS)


def _granted(request: Request, reference: str, token: str) -> bool:
    expires, _, _sig = token.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return False
    return hmac.compare_digest(token, _access_token(request, reference, int(expires)))


def _status_context(report: Report, session: Session, request: Request) -> dict[str, Any]:
    """The status page's words come from :mod:`reclaim.web.report_status`, as the API's do."""
    context = status_page_context(status_of(session, report), _settings(request).default_country)
    context["access"] = _grant(request, report.reference)
    context["shares"] = shares_of(session, report)
    # The child's safety plan, only with their consent, from a case linked to their shared
    # report; nothing else of the case (reclaim.cases.plans.copy_for_report).
    context["safety_plan"] = copy_for_report(session, report.id)
    return context


@router.get("/status")
def status_form(request: Request, reference: str = "") -> Response:
    """The form; ``?reference=`` fills in the reference (from "Check my report"). The PIN is
    never in a URL: the person types it."""
    return page(request, "young/status_form.html", {"reference": reference[:40]})


@router.post("/status", dependencies=[Depends(verify_csrf)])
def status_page(request: Request, services: ServicesDep, form: FormDep) -> Response:
    reference, pin = _form_text(form, "reference", 40), _form_text(form, "pin", 40)
    try:
        with services.database.session() as session:
            access = check_pin(request, services, session, reference, pin)
            if access.report is not None:
                context = _status_context(access.report, session, request)
                adult = access.report.age_group == AgeGroup.ADULT.value
                return page(
                    request,
                    "young/status.html",
                    context,
                    adult=adult,
                    group=access.report.age_group,
                )
    except ApiProblem as problem:
        return page(
            request,
            "young/status_form.html",
            {"error": problem.detail, "reference": reference},
            status_code=problem.status,
        )
    if access.outcome is Outcome.LOCKED:
        error, code = locked_message(access.locked_until), 429
    else:
        error, code = _(WRONG_PIN), 400
    return page(
        request,
        "young/status_form.html",
        {"error": error, "reference": reference},
        status_code=code,
    )


def _report_from_token(request: Request, session: Session, form: Any) -> Report | None:
    reference = _form_text(form, "reference", 16)
    if not _granted(request, reference, _form_text(form, "access", 100)):
        return None
    return report_by_reference(session, reference)


def _expired(request: Request) -> Response:
    return page(
        request,
        "young/status_form.html",
        {"error": _("For your safety, that page timed out. Type your reference and PIN again.")},
        status_code=400,
    )


@router.post("/status/withdraw", dependencies=[Depends(verify_csrf)])
def status_withdraw(request: Request, services: ServicesDep, form: FormDep) -> Response:
    chosen = [int(v) for v in form.getlist("hash") if isinstance(v, str) and v.isdigit()]
    confirmed = _form_text(form, "confirm", 10) == "yes"
    with services.database.session() as session:
        report = _report_from_token(request, session, form)
        if report is None:
            return _expired(request)
        context = _status_context(report, session, request)
        if _form_text(form, "cancel", 10) == "yes":
            return page(request, "young/status.html", context)
        if not chosen:
            context["error"] = _("Choose at least one photo or video to withdraw.")
            return page(request, "young/status.html", context, status_code=400)
        if not confirmed:
            picked = [h for h in context["hashes"] if h["id"] in chosen]
            return page(request, "young/confirm_withdraw.html", {**context, "picked": picked})
        withdraw(session, report, [h for h in chosen if h in {x.id for x in report.hashes}])
        context = _status_context(report, session, request)
        context["notice"] = _(
            "Done. Websites have been told to stop blocking what you withdrew. "
            "You can report it again at any time."
        )
        return page(request, "young/status.html", context)


@router.post("/status/share", dependencies=[Depends(verify_csrf)])
def status_share(request: Request, services: ServicesDep, form: FormDep) -> Response:
    """Share the report with a school or service by its code: first what will be shared, then
    (``confirm=yes``) the share itself. Nothing is shared until they confirm."""
    code = _form_text(form, "code", 40)
    confirmed = _form_text(form, "confirm", 10) == "yes"
    with services.database.session() as session:
        report = _report_from_token(request, session, form)
        if report is None:
            return _expired(request)
        adult = report.age_group == AgeGroup.ADULT.value
        context = _status_context(report, session, request)
        if _form_text(form, "cancel", 10) == "yes":
            return page(request, "young/status.html", context, adult=adult)
        try:
            check_share_code_rate(request, services)
        except ApiProblem as problem:
            context["share_error"] = problem.detail
            return page(request, "young/status.html", context, status_code=429, adult=adult)
        target = find_organisation_by_code(session, code) if code.strip() else None
        if target is None:
            context["share_error"] = _(SHARE_CODE_NOT_FOUND)
            context["share_code"] = code
            return page(request, "young/status.html", context, status_code=400, adult=adult)
        if not confirmed:
            return page(
                request,
                "young/confirm_share.html",
                {
                    **context,
                    "organisation": target.name,
                    "code": code,
                    "shared": [_(w) for w in WHAT_IS_SHARED],
                    "not_shared": [_(w) for w in WHAT_IS_NOT_SHARED],
                },
                adult=adult,
            )
        try:
            info = share_report(session, report, code)
        except SharingError as exc:
            context["share_error"] = words_of(exc)
            return page(request, "young/status.html", context, status_code=400, adult=adult)
        context = _status_context(report, session, request)
        context["notice"] = _(
            "Done. %(name)s can now see how your report is going. "
            "You can stop sharing at any time on this page.",
            name=info.organisation,
        )
        return page(request, "young/status.html", context, adult=adult)


@router.post("/status/share/stop", dependencies=[Depends(verify_csrf)])
def status_share_stop(request: Request, services: ServicesDep, form: FormDep) -> Response:
    """Stop sharing with one organisation, at once."""
    share_id = _form_text(form, "share", 64)
    with services.database.session() as session:
        report = _report_from_token(request, session, form)
        if report is None:
            return _expired(request)
        names = {s.id: s.organisation for s in shares_of(session, report)}
        stopped = stop_sharing(session, report, share_id)
        context = _status_context(report, session, request)
        if stopped:
            context["notice"] = (
                _("Done. %(name)s can no longer see your report.", name=names[share_id])
                if share_id in names
                else _("Done. They can no longer see your report.")
            )
        adult = report.age_group == AgeGroup.ADULT.value
        return page(request, "young/status.html", context, adult=adult)


@router.post("/status/delete", dependencies=[Depends(verify_csrf)])
def status_delete(request: Request, services: ServicesDep, form: FormDep) -> Response:
    confirmed = _form_text(form, "confirm", 10) == "yes"
    with services.database.session() as session:
        report = _report_from_token(request, session, form)
        if report is None:
            return _expired(request)
        if not confirmed:
            return page(
                request,
                "young/confirm_delete.html",
                {
                    "reference": show_reference(report.reference),
                    "reference_raw": report.reference,
                    "access": _grant(request, report.reference),
                },
            )
        erase(session, report, services.outbox)
    return page(request, "young/deleted.html")


# Help pages ------------------------------------------------------------------------------


@router.get("/help/young-people")
def help_young(request: Request) -> Response:
    return page(request, "young/help_young.html")


def _for_adults_helping(request: Request) -> dict[str, Any]:
    place = find_country(chosen_country(request))
    return {
        "young_line": place.young_line(),
        "report_url": place.for_use("report-url"),
        "report_crime": place.for_use("report-crime"),
    }


@router.get("/help/parents")
def help_parents(request: Request) -> Response:
    return page(request, "young/help_parents.html", _for_adults_helping(request), adult=True)


CHILD_AGES = {"under13": N_("12 or younger"), "under18": N_("13 to 17")}


def _checklist_services(request: Request) -> dict[str, Any]:
    """The directory's services for a child in the chosen country (under-18 services only for
    a child: Report Remove and Childline in the UK; elsewhere that country's own)."""
    place = find_country(chosen_country(request))
    return {
        "young_line": place.young_line(),
        "adult_line": place.helpline(adult=True),
        "remove": place.for_use("remove-image", group="under18"),
        "report_url": place.for_use("report-url", group="under18"),
        "report_crime": place.for_use("report-crime", group="under18"),
        "crisis": place.for_use("crisis", group="under18"),
        "child_ages": CHILD_AGES,
        "public_url": _settings(request).public_url.rstrip("/"),
    }


@router.get("/help/parents/checklist")
def parents_checklist(request: Request) -> Response:
    """The guidance as a checklist, in order, for a parent, carer or teacher helping a child.
    The list of places and people is kept in the page only (adult-checklist.js)."""
    return page(request, "young/checklist.html", _checklist_services(request), adult=True)


@router.get("/help/before-it-happens")
def before_it_happens(request: Request) -> Response:
    """A one-page plan to print for families and staff rooms."""
    return page(request, "young/before.html", _checklist_services(request), adult=True)


@router.get("/help/professionals")
def help_professionals(request: Request) -> Response:
    return page(request, "young/help_professionals.html", _for_adults_helping(request), adult=True)


@router.get("/help/directory")
def directory(request: Request) -> Response:
    place = find_country(chosen_country(request))
    return page(
        request,
        "young/directory.html",
        {"entries": place.entries, "anywhere": anywhere().entries},
    )


@router.get("/privacy")
def privacy(request: Request) -> Response:
    return page(request, "young/privacy.html")


@router.get("/help")
def help_index() -> Response:
    return RedirectResponse("/help/young-people", status_code=303)
