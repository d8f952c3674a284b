"""What the access pages share: the organisation's open establishments, the service's roles, and
a gateway refusal turned into messages next to the fields."""

from typing import Any

from web.gateway import Problem, items_of
from web.page import Page

SERVICE = "ceres"


async def establishments_of(page: Page, siren: str) -> list[dict[str, Any]]:
    """The open establishments of one organisation (the directory search by SIREN)."""
    found = items_of(await page.api("GET", "/api/v1/organisations", params={"q": siren}))
    for organisation in found:
        if organisation.get("siren") == siren:
            return [
                dict(e, organisation_name=organisation.get("name")) for e in organisation.get("establishments") or []
            ]
    return []


def establishment_text(establishment: dict[str, Any]) -> str:
    """« Centre de Formation Aubépine – Paris 11e – SIRET 00003000700017 »: the guide asks people to
    check the name and the SIRET."""
    name = establishment.get("name") or establishment.get("organisation_name") or ""
    city = establishment.get("city") or ""
    parts = [part for part in (name, city) if part]
    return " – ".join([*parts, f"SIRET {establishment.get('siret', '')}"])


async def roles_of(page: Page) -> list[dict[str, Any]]:
    return items_of(await page.api("GET", f"/api/v1/services/{SERVICE}/roles"))


def field_errors(problem: Problem, default_field: str) -> dict[str, str]:
    """The gateway's field messages; a refusal naming no field goes next to the main field, except
    those about the whole request (too many tries, not allowed, already done), said on top."""
    if problem.errors:
        return dict(problem.errors)
    if problem.status in (403, 409, 429) or problem.status >= 500:
        return {}
    return {default_field: problem.detail}
