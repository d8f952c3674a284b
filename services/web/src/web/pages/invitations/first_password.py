"""An invitee without an account (guide 000 §5.2): the invitation prepared one with no password, which
password reset completes. Here it happens inside the invitation's path: e-mail and security code, then
the e-mailed code and the password on one page, then the login that leads back to the acceptance."""

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import Page, PageDep, login_location
from web.pages.captcha import new_captcha
from web.pages.invitations.accept import FLOW_TOKEN
from web.pages.invitations.common import accept_path
from web.pages.password_reset import PASSWORD_RULES

router = APIRouter(prefix="/invitations/accepter/mot-de-passe")
ResetId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
TITLE = "Choisir mon mot de passe"
# The reset whose code was already accepted: a refused password is asked again without the code.
VERIFIED = "invitation_reset_verified"


def _after(page: Page) -> str:
    token = page.session.flow.get(FLOW_TOKEN)
    return accept_path(token) if token else "/accueil"


async def _start_page(page: Page, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page.render(
        "pages/invitations/password_start.html.j2",
        TITLE,
        status_code=status_code,
        captcha_id=await new_captcha(page),
        back=_after(page),
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
        started = await page.api("POST", "/api/v1/password-resets", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return await _start_page(page, status_code=422, problem=problem, errors=problem.errors, values=values)
    return page.redirect(f"/invitations/accepter/mot-de-passe/{started['reset_id']}")


def _password_page(page: Page, reset_id: str, status_code: int = 200, **context: Any) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page.render(
        "pages/invitations/password_choose.html.j2",
        "Code reçu et mot de passe",
        status_code=status_code,
        reset_id=reset_id,
        verified=page.session.flow.get(VERIFIED) == reset_id,
        rules=PASSWORD_RULES,
        **context,
    )


@router.get("/{reset_id}")
async def password_form(reset_id: ResetId, page: PageDep) -> Response:
    return _password_page(page, reset_id, values={"code": page.request.query_params.get("code", "")})


@router.post("/{reset_id}")
async def choose_password(reset_id: ResetId, page: PageDep) -> Response:
    await page.form()
    values = {"code": page.field("code")}
    if page.session.flow.get(VERIFIED) != reset_id:
        try:
            await page.api("POST", f"/api/v1/password-resets/{reset_id}/verify", json={"code": values["code"]})
        except GatewayError as refused:
            problem = refused.problem
            errors = problem.errors or {"code": problem.detail}
            return _password_page(page, reset_id, 422, problem=problem, errors=errors, values=values)
        page.session.remember(**{VERIFIED: reset_id})
    body = {"password": page.field("password"), "password_confirmation": page.field("password_confirmation")}
    try:
        await page.api("POST", f"/api/v1/password-resets/{reset_id}/password", json=body)
    except GatewayError as refused:
        problem = refused.problem
        return _password_page(page, reset_id, 422, problem=problem, errors=problem.errors, values=values)
    page.session.remember(**{VERIFIED: None})
    return page.redirect(login_location(_after(page)))
