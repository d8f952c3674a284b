"""« Gérer mon compte »: my information and its change (`PATCH /api/v1/me`), my password's change."""

from dataclasses import replace
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem, items_of
from web.page import PageDep

router = APIRouter(prefix="/mon-compte")
CIVILITIES = [("madame", "Madame"), ("monsieur", "Monsieur")]
PASSWORD_RULES = [
    ("length", "12 caractères minimum"),
    ("classes", "3 des 4 types de caractères : minuscule, majuscule, chiffre, caractère spécial"),
]
DONE = {
    "informations": "Vos informations ont été enregistrées.",
    "mot-de-passe": "Votre mot de passe a été modifié. Vos autres sessions ont été fermées.",
    "autres-sessions": "Vos autres sessions ont été fermées. Vous restez connecté ici.",
    "adresse-e-mail": "Votre adresse e-mail a été modifiée. Vos autres sessions ont été fermées.",
}
PROFILE_FIELDS = ("civility", "last_name", "first_name", "job_title", "phone")
REQUIRED = {
    "civility": "Indiquez votre civilité.",
    "last_name": "Indiquez votre nom.",
    "first_name": "Indiquez votre prénom.",
}


async def organisation_name(page: PageDep, siren: str | None) -> str | None:
    """The raison sociale of my organisation, from the directory (the profile holds only its SIREN)."""
    if not siren:
        return None
    try:
        found = await page.api("GET", "/api/v1/organisations", params={"q": siren})
    except GatewayError:
        return None
    for organisation in items_of(found):
        if organisation.get("siren") == siren:
            return str(organisation.get("name") or "") or None
    return None


@router.get("")
async def my_account(page: PageDep) -> Response:
    me = await page.me()
    done = DONE.get(page.request.query_params.get("modifie", ""))
    return page.render(
        "pages/account/show.html.j2",
        "Mon compte",
        done=done,
        civilities=dict(CIVILITIES),
        organisation=await organisation_name(page, me.get("siren")),
    )


def _values_of(me: dict[str, Any]) -> dict[str, str]:
    return {name: str(me.get(name) or "") for name in PROFILE_FIELDS}


@router.get("/modifier")
async def edit_form(page: PageDep) -> Response:
    me = await page.me()
    return page.render(
        "pages/account/edit.html.j2",
        "Modifier mes informations",
        errors={},
        values=_values_of(me),
        civilities=CIVILITIES,
    )


@router.post("/modifier")
async def edit(page: PageDep) -> Response:
    await page.me()
    await page.form()
    values = {name: page.field(name) for name in PROFILE_FIELDS}
    missing = {name: REQUIRED[name] for name in REQUIRED if not values[name]}
    if values["civility"] not in dict(CIVILITIES):
        missing["civility"] = REQUIRED["civility"]
    if missing:
        problem = Problem(422, "validation_error", "Veuillez renseigner les champs obligatoires.", missing)
        return page.render_problem(
            "pages/account/edit.html.j2", "Modifier mes informations", problem, values, civilities=CIVILITIES
        )
    # An empty poste or téléphone is erased (null); civilité, nom, prénom are required by the gateway.
    body: dict[str, str | None] = {name: values[name] or None for name in ("job_title", "phone")}
    body.update({name: values[name] for name in ("civility", "last_name", "first_name")})
    try:
        await page.api("PATCH", "/api/v1/me", json=body)
    except GatewayError as refused:
        return page.render_problem(
            "pages/account/edit.html.j2", "Modifier mes informations", refused.problem, values, civilities=CIVILITIES
        )
    return page.redirect("/mon-compte?modifie=informations")


@router.get("/mot-de-passe")
async def password_form(page: PageDep) -> Response:
    await page.me()
    return page.render(
        "pages/account/password.html.j2", "Modifier mon mot de passe", errors={}, values={}, rules=PASSWORD_RULES
    )


@router.post("/mot-de-passe")
async def change_password(page: PageDep) -> Response:
    await page.me()
    await page.form()
    body = {name: page.field(name) for name in ("current_password", "password", "password_confirmation")}
    try:
        await page.api("POST", "/api/v1/me/password", json=body)
    except GatewayError as refused:
        problem = refused.problem
        if problem.code == "invalid_credentials" and not problem.errors:
            problem = replace(problem, errors={"current_password": problem.detail})
        return page.render_problem(
            "pages/account/password.html.j2", "Modifier mon mot de passe", problem, rules=PASSWORD_RULES
        )
    return page.redirect("/mon-compte?modifie=mot-de-passe")


@router.post("/autres-sessions")
async def log_out_other_sessions(page: PageDep) -> Response:
    """« Se déconnecter de mes autres sessions »: the gateway closes every other session of the account."""
    await page.form()
    await page.api("DELETE", "/api/v1/session/others")
    return page.redirect("/mon-compte?modifie=autres-sessions")
