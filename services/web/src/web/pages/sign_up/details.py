"""Steps 3 and 4: the password with its rules, then civilité, nom, prénom."""

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError
from web.page import PageDep
from web.pages.sign_up.flow import (
    CIVILITIES,
    PASSWORD_RULES,
    RegistrationId,
    ahead,
    interrupted,
    remember,
    step_context,
    step_path,
    title_of,
)

router = APIRouter(prefix="/inscription/{registration_id}")


@router.get("/mot-de-passe")
async def password_form(registration_id: RegistrationId, page: PageDep) -> Response:
    return ahead(page, registration_id, "password") or page.render(
        "pages/sign_up/password.html.j2",
        title_of(3),
        errors={},
        values={},
        rules=PASSWORD_RULES,
        **step_context(page, registration_id, "password"),
    )


@router.post("/mot-de-passe")
async def choose_password(registration_id: RegistrationId, page: PageDep) -> Response:
    await page.form()
    body = {"password": page.field("password"), "password_confirmation": page.field("password_confirmation")}
    try:
        await page.api("POST", f"/api/v1/registrations/{registration_id}/password", json=body)
    except GatewayError as refused:
        return interrupted(page, registration_id, refused.problem, "password") or page.render_problem(
            "pages/sign_up/password.html.j2",
            title_of(3),
            refused.problem,
            rules=PASSWORD_RULES,
            **step_context(page, registration_id, "password"),
        )
    remember(page, registration_id, etape="identity")
    return page.redirect(step_path(registration_id, "identity"))


@router.get("/identite")
async def identity_form(registration_id: RegistrationId, page: PageDep) -> Response:
    context = step_context(page, registration_id, "identity")
    known = dict(context["known"])
    return ahead(page, registration_id, "identity") or page.render(
        "pages/sign_up/identity.html.j2", title_of(4), errors={}, values=known, civilities=CIVILITIES, **context
    )


@router.post("/identite")
async def give_identity(registration_id: RegistrationId, page: PageDep) -> Response:
    await page.form()
    values = {name: page.field(name) for name in ("civility", "last_name", "first_name")}
    try:
        await page.api("POST", f"/api/v1/registrations/{registration_id}/identity", json=values)
    except GatewayError as refused:
        return interrupted(page, registration_id, refused.problem, "identity") or page.render_problem(
            "pages/sign_up/identity.html.j2",
            title_of(4),
            refused.problem,
            values,
            civilities=CIVILITIES,
            **step_context(page, registration_id, "identity"),
        )
    remember(page, registration_id, etape="organisation", **values)
    return page.redirect(step_path(registration_id, "organisation"))
