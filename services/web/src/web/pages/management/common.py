"""What the « Gestion des accès » pages share: the organisation managed, its establishments and
roles, the ids allowed into gateway paths, and the success notices after a redirect."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path
from starlette.responses import Response

from web.gateway import GatewayError, items_of
from web.page import Page

SERVICE = "ceres"
BASE = "/gestion-des-acces"
# Ids go into the gateway's paths: nothing but an id's characters.
AccountId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
RequestId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
HabilitationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

# What `?fait=` may say after a redirect: a fixed list, so the address cannot put words on the page.
NOTICES = {
    "habilitation-ajoutee": "L’habilitation a été ajoutée.",
    "habilitation-retiree": "L’habilitation a été retirée.",
    "responsable-nomme": "Le droit Responsable des accès a été attribué.",
    "responsable-retire": "Le droit Responsable des accès a été retiré.",
    "demande-validee": "La demande d’accès a été validée : le demandeur en est informé par e-mail.",
    "demande-refusee": "La demande d’accès a été refusée : le demandeur en est informé par e-mail.",
    "delegation": "L’habilitation a été déléguée.",
}


@dataclass
class Organisation:
    siren: str
    name: str
    establishments: list[dict[str, Any]]
    managed: list[str]

    def query(self, **more: str) -> str:
        """`?siren=…` when the person manages several organisations (links keep the one chosen)."""
        params = {"siren": self.siren} if len(self.managed) > 1 else {}
        params.update({k: v for k, v in more.items() if v})
        return f"?{urlencode(params)}" if params else ""

    def establishment_options(self) -> list[tuple[str, str]]:
        return [(e["siret"], f"{e.get('name') or self.name} – SIRET {e['siret']}") for e in self.establishments]

    def establishment_name(self, siret: str) -> str:
        for e in self.establishments:
            if e.get("siret") == siret:
                return str(e.get("name") or self.name)
        return siret


def not_a_manager(page: Page) -> Response:
    return page.render(
        "pages/error.html.j2",
        "Accès réservé",
        status_code=403,
        message="Cette page est réservée aux responsables des accès d’une entreprise. "
        "Vous n’êtes responsable des accès d’aucune entreprise, ou pas de celle-ci.",
        retry=False,
    )


async def managed_organisation(page: Page, siren: str | None = None) -> Organisation | None:
    """The organisation managed: `me.manager_of[0]`, or the `?siren=` chosen among several; None
    for a person who manages none (or not the one asked): the page then says so (`not_a_manager`)."""
    me = await page.me()
    managed = [str(s) for s in me.get("manager_of") or []]
    asked = siren or page.request.query_params.get("siren") or ""
    if not managed or (asked and asked not in managed):
        return None
    siren = asked or managed[0]
    name, establishments = siren, []
    # The directory's search by SIREN gives the name and the open establishments.
    try:
        found = items_of(await page.api("GET", "/api/v1/organisations", params={"q": siren}))
    except GatewayError:
        found = []
    for candidate in found:
        if candidate.get("siren") == siren:
            name, establishments = str(candidate.get("name") or siren), list(candidate.get("establishments") or [])
    return Organisation(siren, name, establishments, managed)


async def role_options(page: Page) -> list[tuple[str, str]]:
    roles = items_of(await page.api("GET", f"/api/v1/services/{SERVICE}/roles"))
    return [(str(r["role"]), str(r.get("label") or r["role"])) for r in roles]


async def pending_count(page: Page, org: Organisation) -> int:
    """The tabs' badge: the organisation's pending requests (`me` counts them for the first one only)."""
    me = await page.me()
    if org.managed and org.siren == org.managed[0] and "pending_access_requests_to_review" in me:
        return int(me.get("pending_access_requests_to_review") or 0)
    answer = await page.api("GET", f"/api/v1/organisations/{org.siren}/access-requests", params={"status": "pending"})
    return count_of(answer)


def count_of(answer: Any) -> int:
    """A list answer's `total` (the paged shape counts every page), else its length."""
    total = answer.get("total") if isinstance(answer, dict) else None
    return total if isinstance(total, int) else len(items_of(answer))


def notice_of(page: Page) -> str:
    return NOTICES.get(page.request.query_params.get("fait", ""), "")


def grant_errors(role: str, siret: str, end_date: str, org: Organisation, end_required: bool = False) -> dict[str, str]:
    """The habilitation form checked before the gateway is asked: each message next to its field."""
    errors: dict[str, str] = {}
    if siret not in {e["siret"] for e in org.establishments}:
        errors["siret"] = "Sélectionnez l’établissement."
    if not role:
        errors["role"] = "Sélectionnez un rôle."
    if end_date:
        try:
            if date.fromisoformat(end_date) <= date.today():
                errors["end_date"] = "La date de fin doit être postérieure à aujourd’hui."
        except ValueError:
            errors["end_date"] = "Saisissez une date au format JJ/MM/AAAA."
    elif end_required:
        errors["end_date"] = "Saisissez la date de fin de la délégation."
    return errors
