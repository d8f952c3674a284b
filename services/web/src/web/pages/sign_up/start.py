"""Steps 1 and 2: the e-mail and the security code, then the 6-digit code e-mailed (the e-mail's
button opens step 2 with the code filled in), « Envoyer le code » again."""

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import PageDep
from web.pages.captcha import new_captcha
from web.pages.sign_up.flow import (
    TOTAL,
    RegistrationId,
    interrupted,
    remember,
    step_context,
    step_path,
    title_of,
)

router = APIRouter(prefix="/inscription")


async def _start_page(page: PageDep, status_code: int = 200, **context: object) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page.render(
        "pages/sign_up/start.html.j2",
        title_of(1),
        status_code=status_code,
        captcha_id=await new_captcha(page),
        step=1,
        total=TOTAL,
        **context,
    )


@router.get("")
async def start_form(page: PageDep) -> Response:
    return await _start_page(page)


@router.post("")
async def start(page: PageDep) -> Response:
    await page.form()
    values = {"email": page.field("email")}
    if page.field("action") == "nouveau-code":
        return await _start_page(page, values=values)
    body = {
        "email": values["email"],
        "captcha_id": page.field("captcha_id"),
        "captcha_answer": page.field("captcha_answer"),
    }
    try:
        started = await page.api("POST", "/api/v1/registrations", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return await _start_page(page, status_code=422, problem=problem, errors=problem.errors, values=values)
    registration_id = str(started["registration_id"])
    remember(page, registration_id, email=values["email"], etape="verify_email")
    return page.redirect(step_path(registration_id, "verify_email"))


async def _code_page(
    page: PageDep, registration_id: str, status_code: int = 200, ask_captcha: bool = False, **context: object
) -> Response:
    """The code step; `ask_captcha` once a code was sent again: each later resend needs a security code."""
    context.setdefault("errors", {})
    context.setdefault("values", {})
    context.setdefault("resent", False)
    context["captcha_id"] = await new_captcha(page) if ask_captcha else None
    return page.render(
        "pages/sign_up/code.html.j2",
        title_of(2),
        status_code=status_code,
        **step_context(page, registration_id, "verify_email"),
        **context,
    )


@router.get("/{registration_id}/code")
async def code_form(registration_id: RegistrationId, page: PageDep) -> Response:
    values = {"code": page.request.query_params.get("code", "")[:16]}
    resent = page.request.query_params.get("envoye") == "1"
    return await _code_page(page, registration_id, values=values, resent=resent, ask_captcha=resent)


@router.post("/{registration_id}/code")
async def verify_code(registration_id: RegistrationId, page: PageDep) -> Response:
    await page.form()
    values = {"code": page.field("code")}
    try:
        await page.api("POST", f"/api/v1/registrations/{registration_id}/verify", json={"code": values["code"]})
    except GatewayError as refused:
        problem = refused.problem
        lost = interrupted(page, registration_id, problem, "verify_email")
        if lost:
            return lost
        # A wrong or spent code is said next to the field, whatever the gateway's shape of it.
        errors = problem.errors or {"code": problem.detail}
        return await _code_page(
            page, registration_id, status_code=422, problem=problem, errors=errors, values=values, ask_captcha=True
        )
    remember(page, registration_id, etape="password")
    return page.redirect(step_path(registration_id, "password"))


@router.post("/{registration_id}/renvoyer-code")
async def resend_code(registration_id: RegistrationId, page: PageDep) -> Response:
    await page.form()
    if page.field("action") == "nouveau-code":
        return await _code_page(page, registration_id, ask_captcha=True)
    answered = page.field("captcha_id") and page.field("captcha_answer")
    body = (
        {"captcha_id": page.field("captcha_id"), "captcha_answer": page.field("captcha_answer")} if answered else None
    )
    try:
        await page.api("POST", f"/api/v1/registrations/{registration_id}/resend-code", json=body)
    except GatewayError as refused:
        problem = refused.problem
        lost = interrupted(page, registration_id, problem, "verify_email")
        if lost:
            return lost
        # Too early or too often: the alert says when it can be asked again (problem.retry_after); a
        # missing or wrong security code is said next to its field.
        return await _code_page(
            page, registration_id, status_code=problem.status, problem=problem, errors=problem.errors, ask_captcha=True
        )
    return page.redirect(f"{step_path(registration_id, 'verify_email')}?envoye=1")
