"""« Modifier mon adresse e-mail »: the new address and the current password (`POST /api/v1/me/email`), then
the 6-digit code sent to it (`POST /api/v1/me/email/verify`), then back to « Mon compte »."""

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import PageDep

router = APIRouter(prefix="/mon-compte/adresse-e-mail")
PARIS = ZoneInfo("Europe/Paris")
FORM, CODE = "pages/account/email.html.j2", "pages/account/email_code.html.j2"
FORM_TITLE, CODE_TITLE = "Modifier mon adresse e-mail", "Saisissez le code"
# The change under way, in the web session's flow: the new address and when a new code may be asked.
NEW_EMAIL, RESENDABLE_AT = "email_change_to", "email_change_resendable_at"
# A refusal without field errors goes next to the field it is about.
FIELD_OF = {"invalid_credentials": "password", "shared_mailbox": "new_email"}
# After these the code cannot succeed any more: the person starts again.
ENDED = {"code_expired", "too_many_attempts"}


def _on_its_field(problem: Problem, default: str) -> Problem:
    if problem.errors:
        return problem
    return replace(problem, errors={FIELD_OF.get(problem.code, default): problem.detail})


@router.get("")
async def email_form(page: PageDep) -> Response:
    await page.me()
    again = page.request.query_params.get("renvoi") == "1" and page.session.flow.get(NEW_EMAIL)
    values = {"new_email": page.session.flow.get(NEW_EMAIL, "")} if again else {}
    return page.render(FORM, FORM_TITLE, errors={}, values=values, again=bool(again))


@router.post("")
async def start(page: PageDep) -> Response:
    await page.me()
    await page.form()
    values = {"new_email": page.field("new_email")}
    password = page.field("password")
    missing = {
        name: message
        for name, value, message in (
            ("new_email", values["new_email"], "Indiquez votre nouvelle adresse e-mail."),
            ("password", password, "Indiquez votre mot de passe actuel."),
        )
        if not value
    }
    if missing:
        problem = Problem(422, "validation_error", "Veuillez renseigner les champs obligatoires.", missing)
        return page.render_problem(FORM, FORM_TITLE, problem, values, again=False)
    try:
        step = await page.api("POST", "/api/v1/me/email", json={"new_email": values["new_email"], "password": password})
    except GatewayError as refused:
        return page.render_problem(FORM, FORM_TITLE, _on_its_field(refused.problem, "new_email"), values, again=False)
    page.session.remember(
        **{NEW_EMAIL: str(step.get("new_email") or values["new_email"]), RESENDABLE_AT: str(step.get("resendable_at"))}
    )
    return page.redirect("/mon-compte/adresse-e-mail/code")


def _resend(page: PageDep) -> tuple[bool, str]:
    """Whether « Renvoyer un code » is offered now, else from when (HHhMM, Paris)."""
    try:
        at = datetime.fromisoformat(page.session.flow.get(RESENDABLE_AT, "").replace("Z", "+00:00"))
    except ValueError:
        return True, ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at <= datetime.now(UTC), at.astimezone(PARIS).strftime("%Hh%M")


def _code_page(page: PageDep, status_code: int = 200, problem: Problem | None = None) -> Response:
    allowed, from_when = _resend(page)
    errors = problem.errors if problem else {}
    return page.render(
        CODE,
        CODE_TITLE,
        status_code=status_code,
        new_email=page.session.flow.get(NEW_EMAIL, ""),
        resend_allowed=allowed,
        resend_from=from_when,
        ended=bool(problem and problem.code in ENDED),
        problem=problem,
        errors=errors,
        values={},
    )


@router.get("/code")
async def code_form(page: PageDep) -> Response:
    await page.me()
    if not page.session.flow.get(NEW_EMAIL):
        return page.redirect("/mon-compte/adresse-e-mail")
    return _code_page(page)


@router.post("/code")
async def verify(page: PageDep) -> Response:
    await page.me()
    await page.form()
    if not page.session.flow.get(NEW_EMAIL):
        return page.redirect("/mon-compte/adresse-e-mail")
    code = "".join(page.field("code").split())
    if not code:
        return _code_page(
            page, 422, Problem(422, "validation_error", "Saisissez le code.", {"code": "Saisissez le code."})
        )
    try:
        await page.api("POST", "/api/v1/me/email/verify", json={"code": code})
    except GatewayError as refused:
        problem = _on_its_field(refused.problem, "code")
        return _code_page(page, 422 if problem.errors else 400, problem)
    page.session.remember(**{NEW_EMAIL: None, RESENDABLE_AT: None})
    return page.redirect("/mon-compte?modifie=adresse-e-mail")
