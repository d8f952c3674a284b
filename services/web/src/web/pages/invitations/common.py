"""What the invitation pages share: the manager's organisation, its establishments and roles, and
the « dans … » of a resend that is not yet possible."""

import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from web.gateway import items_of
from web.page import Page

SERVICE = "ceres"
# The e-mail link's token: the invitation id, a dot, then URL-safe random characters.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_~.-]{1,160}$")


async def managed_siren(page: Page) -> str | None:
    """The organisation the logged-in person manages (the first one), or None."""
    me = await page.me()
    managed = me.get("manager_of") or []
    return str(managed[0]) if managed else None


def not_a_manager(page: Page) -> Response:
    return page.render(
        "pages/error.html.j2",
        "Accès réservé",
        status_code=403,
        message="Cette page est réservée aux responsables des accès d’une entreprise.",
        retry=False,
    )


async def organisation(page: Page, siren: str) -> dict[str, Any]:
    """The organisation's name and open establishments, from the directory search by SIREN."""
    found = items_of(await page.api("GET", "/api/v1/organisations", params={"q": siren}))
    for candidate in found:
        if candidate.get("siren") == siren:
            return dict(candidate)
    return {"siren": siren, "name": siren, "establishments": []}


def establishment_options(org: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e["siret"], f"{e.get('name') or org.get('name')} – SIRET {e['siret']} – {e.get('city') or ''}".rstrip(" –"))
        for e in org.get("establishments") or []
    ]


async def role_options(page: Page) -> list[tuple[str, str]]:
    roles = items_of(await page.api("GET", f"/api/v1/services/{SERVICE}/roles"))
    return [(r["role"], r.get("label") or r["role"]) for r in roles]


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def wait_in_words(seconds: float) -> str:
    """« 1 jour », « 23 heures », « 5 minutes »: rounded up, so it is never too soon."""
    seconds = max(seconds, 60)
    if seconds > 23.5 * 3600:
        days = math.ceil(seconds / 86400)
        return f"{days} jour{'s' if days > 1 else ''}"
    if seconds >= 3600:
        hours = math.ceil(seconds / 3600)
        return f"{hours} heure{'s' if hours > 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


def resend_wait(invitation: dict[str, Any], now: datetime | None = None) -> str | None:
    """How long before « Relancer l'invitation » works (it does once the invitation expired)."""
    if invitation.get("status") != "sent":
        return None
    expires = parse_time(invitation.get("expires_at"))
    if expires is None:
        return None
    left = (expires - (now or datetime.now(UTC))).total_seconds()
    return wait_in_words(left) if left > 0 else None


def accept_path(token: str) -> str:
    return f"/invitations/accepter?token={quote(token, safe='')}"
