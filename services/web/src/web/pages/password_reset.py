"""Réinitialiser mon mot de passe (guide 000 §3.1, §5.2): e-mail and security code, the 6-digit code
e-mailed (the e-mail's button opens the code step with the code filled in), then the new password."""

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import PageDep
from web.pages.captcha import new_captcha

router = APIRouter(prefix="/mot-de-passe-oublie")
# Ids go into the gateway's path: nothing but an id's characters.
ResetId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
TITLE = "Réinitialiser mon mot de passe"
PASSWORD_RULES = [
    ("length", "12 caractères minimum"),
    ("classes", "3 des 4 types de caractères : minuscule, majuscule, chiffre, caractère spécial"),
]


async def _start_page(page: PageDep, status_code: int = 200, **context: object) -> Response:
    context.setdefault("errors", {})
    context.setdefault("values", {})
    return page.render(
        "pages/reset_start.html.j2", TITLE, status_code=status_code, captcha_id=await new_captcha(page), **context
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
    return page.redirect(f"/mot-de-passe-oublie/{started['reset_id']}/code")


@router.get("/{reset_id}/code")
async def code_form(reset_id: ResetId, page: PageDep) -> Response:
    values = {"code": page.request.query_params.get("code", "")}
    return page.render(
        "pages/reset_code.html.j2", "Code de réinitialisation", reset_id=reset_id, errors={}, values=values
    )


@router.post("/{reset_id}/code")
async def verify_code(reset_id: ResetId, page: PageDep) -> Response:
    await page.form()
    values = {"code": page.field("code")}
    try:
        await page.api("POST", f"/api/v1/password-resets/{reset_id}/verify", json={"code": values["code"]})
    except GatewayError as refused:
        # A wrong or spent code is said next to the field, whatever the gateway's shape of it.
        problem = refused.problem
        errors = problem.errors or {"code": problem.detail}
        return page.render(
            "pages/reset_code.html.j2",
            "Code de réinitialisation",
            status_code=422 if problem.errors else 400,
            reset_id=reset_id,
            problem=problem,
            errors=errors,
            values=values,
        )
    return page.redirect(f"/mot-de-passe-oublie/{reset_id}/nouveau")


@router.get("/{reset_id}/nouveau")
async def password_form(reset_id: ResetId, page: PageDep) -> Response:
    return page.render(
        "pages/reset_password.html.j2",
        "Nouveau mot de passe",
        reset_id=reset_id,
        errors={},
        values={},
        rules=PASSWORD_RULES,
    )


@router.post("/{reset_id}/nouveau")
async def set_password(reset_id: ResetId, page: PageDep) -> Response:
    await page.form()
    body = {"password": page.field("password"), "password_confirmation": page.field("password_confirmation")}
    try:
        await page.api("POST", f"/api/v1/password-resets/{reset_id}/password", json=body)
    except GatewayError as refused:
        return page.render_problem(
            "pages/reset_password.html.j2",
            "Nouveau mot de passe",
            refused.problem,
            reset_id=reset_id,
            rules=PASSWORD_RULES,
        )
    return page.redirect("/connexion?mot-de-passe=modifie")
