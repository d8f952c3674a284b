"""« Inviter un utilisateur » (guide 000 §6.2): e-mail, identity (for a person without an account),
poste, habilitations (added and removed one by one), then « Terminer ». The draft stays in the web
session (`flow`), so each step is a plain form and a bad input changes nothing of it."""

import json
import re
from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from web.gateway import GatewayError, Problem
from web.page import Page, PageDep
from web.pages.invitations.common import (
    SERVICE,
    establishment_options,
    managed_siren,
    not_a_manager,
    organisation,
    role_options,
)
from web.pages.invitations.pending import NOTICE

router = APIRouter(prefix="/gestion-des-acces/invitations/nouvelle")
PATH = "/gestion-des-acces/invitations/nouvelle"
DRAFT = "invitation_draft"
STEPS = ("Adresse e-mail", "Identité", "Entreprise", "Habilitations")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IDENTITY = ("civility", "last_name", "first_name")
# Where each field the gateway may refuse is asked.
STEP_OF_FIELD = {"email": 1, "civility": 2, "last_name": 2, "first_name": 2, "job_title": 3}


def _draft(page: Page) -> dict[str, Any]:
    raw = page.session.flow.get(DRAFT)
    draft = json.loads(raw) if raw else {}
    draft.setdefault("current", 1)
    draft.setdefault("reached", 1)
    draft.setdefault("habilitations", [])
    return dict(draft)


def _save(page: Page, draft: dict[str, Any] | None) -> None:
    page.session.remember(**{DRAFT: json.dumps(draft) if draft is not None else None})


async def _step_page(page: Page, siren: str, draft: dict[str, Any], status_code: int = 200, **context: Any) -> Response:
    step = int(draft["current"])
    org = await organisation(page, siren)
    establishments = establishment_options(org)
    roles = await role_options(page)
    context.setdefault("errors", {})
    context.setdefault("values", draft if step < 4 else {})
    return page.render(
        "pages/invitations/wizard.html.j2",
        f"Inviter un utilisateur – {STEPS[step - 1]}",
        status_code=status_code,
        step=step,
        steps=STEPS,
        draft=draft,
        organisation=org,
        establishments=establishments,
        establishment_names={e["siret"]: e.get("name") or org.get("name") for e in org.get("establishments") or []},
        roles=roles,
        role_labels=dict(roles),
        today=date.today().isoformat(),
        **context,
    )


@router.get("")
async def wizard(page: PageDep) -> Response:
    siren = await managed_siren(page)
    if siren is None:
        return not_a_manager(page)
    draft = _draft(page)
    wanted = page.request.query_params.get("etape", "")
    if wanted.isdigit() and 1 <= int(wanted) <= int(draft["reached"]) and int(wanted) != draft["current"]:
        draft["current"] = int(wanted)
        _save(page, draft)
    return await _step_page(page, siren, draft)


def _check_email(page: Page) -> dict[str, str]:
    email = page.field("email")
    if not EMAIL.match(email):
        return {"email": "Saisissez l’adresse e-mail de l’utilisateur, au format nom@domaine.fr."}
    return {}


def _check_identity(page: Page) -> dict[str, str]:
    given = {name: page.field(name) for name in IDENTITY}
    errors: dict[str, str] = {}
    if given["civility"] and given["civility"] not in ("madame", "monsieur"):
        errors["civility"] = "Choisissez Madame ou Monsieur."
    if any(given.values()):
        for name, label in (("civility", "la civilité"), ("last_name", "le nom"), ("first_name", "le prénom")):
            if not given[name]:
                errors.setdefault(name, f"Renseignez aussi {label}, ou laissez l’identité vide.")
    return errors


def _new_habilitation(page: Page, draft: dict[str, Any], sirets: set[str], roles: set[str]) -> dict[str, str]:
    """The habilitation the step-4 fields describe, or {"errors": …} (its fields' messages)."""
    siret, role, end = page.field("siret"), page.field("role"), page.field("end_date")
    errors: dict[str, str] = {}
    if siret not in sirets:
        errors["siret"] = "Sélectionnez l’établissement concerné."
    if role not in roles:
        errors["role"] = "Sélectionnez le rôle de l’utilisateur."
    if end:
        try:
            ends = date.fromisoformat(end)
        except ValueError:
            errors["end_date"] = "Saisissez une date valide, au format JJ/MM/AAAA."
        else:
            if ends <= date.today():
                errors["end_date"] = "La date de fin doit être postérieure à aujourd’hui."
    if not errors and any(h["siret"] == siret and h["role"] == role for h in draft["habilitations"]):
        errors["role"] = "Cette habilitation figure déjà dans la liste."
    if errors:
        return {"errors": json.dumps(errors)}
    return {"siret": siret, "role": role, "end_date": end}


@router.post("")
async def submit(page: PageDep) -> Response:
    await page.form()
    siren = await managed_siren(page)
    if siren is None:
        return not_a_manager(page)
    draft = _draft(page)
    action = page.field("action")
    if action == "abandonner":
        _save(page, None)
        return page.redirect("/gestion-des-acces/invitations")
    posted = page.field("etape")
    step = int(posted) if posted.isdigit() and 1 <= int(posted) <= int(draft["reached"]) else int(draft["current"])
    draft["current"] = step
    values = {name: page.field(name) for name in ("email", "job_title", *IDENTITY, "siret", "role", "end_date")}
    if step == 1:
        errors = _check_email(page)
    elif step == 2:
        errors = _check_identity(page)
    elif step == 3:
        errors = {}
    else:
        return await _habilitations(page, siren, draft, action, values)
    if errors:
        return await _step_page(page, siren, draft, status_code=422, errors=errors, values={**draft, **values})
    keep = {1: ("email",), 2: IDENTITY, 3: ("job_title",)}[step]
    draft.update({name: values[name] for name in keep})
    draft["current"] = step + 1
    draft["reached"] = max(int(draft["reached"]), step + 1)
    _save(page, draft)
    return page.redirect(PATH)


async def _habilitations(
    page: Page, siren: str, draft: dict[str, Any], action: str, values: dict[str, str]
) -> Response:
    if action.startswith("retirer-") and action.removeprefix("retirer-").isdigit():
        index = int(action.removeprefix("retirer-"))
        if index < len(draft["habilitations"]):
            del draft["habilitations"][index]
            _save(page, draft)
        return page.redirect(PATH)
    org = await organisation(page, siren)
    sirets = {siret for siret, _ in establishment_options(org)}
    roles = {role for role, _ in await role_options(page)}
    filled = any(values[name] for name in ("siret", "role", "end_date"))
    if action == "ajouter" or filled:
        added = _new_habilitation(page, draft, sirets, roles)
        if "errors" in added:
            return await _step_page(page, siren, draft, 422, errors=json.loads(added["errors"]), values=values)
        draft["habilitations"].append(added)
        _save(page, draft)
        if action == "ajouter":
            return page.redirect(PATH)
    if not draft["habilitations"]:
        errors = {"siret": "Ajoutez au moins une habilitation avant de terminer."}
        return await _step_page(page, siren, draft, 422, errors=errors, values=values)
    return await _send(page, siren, draft)


async def _send(page: Page, siren: str, draft: dict[str, Any]) -> Response:
    body: dict[str, Any] = {
        "email": draft["email"],
        "habilitations": [
            {"service": SERVICE, "role": h["role"], "siret": h["siret"], "end_date": h["end_date"] or None}
            for h in draft["habilitations"]
        ],
    }
    for name in (*IDENTITY, "job_title"):
        if draft.get(name):
            body[name] = draft[name]
    try:
        sent = await page.api("POST", f"/api/v1/organisations/{siren}/invitations", json=body)
    except GatewayError as refused:
        return await _refused(page, siren, draft, refused.problem)
    _save(page, None)
    expires = str(sent.get("expires_at") or "")[:10]
    notice = f"L’invitation a été envoyée à {draft['email']}."
    if expires:
        notice += f" Elle est valable jusqu’au {date.fromisoformat(expires):%d/%m/%Y}."
    page.session.remember(**{NOTICE: notice})
    return page.redirect("/gestion-des-acces/invitations")


async def _refused(page: Page, siren: str, draft: dict[str, Any], problem: Problem) -> Response:
    """The gateway's refusal shown at the step that asks the refused field (the draft unchanged)."""
    steps = [STEP_OF_FIELD.get(name, 4) for name in problem.errors]
    draft["current"] = min(steps) if steps else 4
    _save(page, draft)
    values = draft if draft["current"] < 4 else {}
    return await _step_page(
        page, siren, draft, 422 if problem.errors else 409, problem=problem, errors=problem.errors, values=values
    )
