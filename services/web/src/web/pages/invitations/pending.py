"""« Invitations » tab of « Gestion des accès » (guide 000 §6.3): the invitations waiting for their
invitee, those expired, « Relancer l'invitation » (possible once expired) and revoking one."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from web.gateway import GatewayError, items_of
from web.page import Page, PageDep
from web.pages.invitations.common import (
    managed_siren,
    not_a_manager,
    organisation,
    parse_time,
    resend_wait,
    role_options,
    wait_in_words,
)

router = APIRouter(prefix="/gestion-des-acces/invitations")
InvitationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
TITLE = "Gestion des accès – Invitations"
NOTICE = "invitation_notice"


async def _list_page(page: Page, siren: str, status_code: int = 200, **context: Any) -> Response:
    path = f"/api/v1/organisations/{siren}/invitations"
    sent = items_of(await page.api("GET", path, params={"status": "sent"}))
    expired = items_of(await page.api("GET", path, params={"status": "expired"}))
    org = await organisation(page, siren)
    names = {e["siret"]: e.get("name") or org.get("name") for e in org.get("establishments") or []}
    roles = dict(await role_options(page))
    now = datetime.now(UTC)
    for invitation in sent + expired:
        invitation["wait"] = resend_wait(invitation, now)
    me = await page.me()
    notice = page.session.flow.get(NOTICE)
    if notice:
        page.session.remember(**{NOTICE: None})
    return page.render(
        "pages/invitations/list.html.j2",
        TITLE,
        status_code=status_code,
        invitations=sent + expired,
        pending_count=len(sent),
        establishment_names=names,
        role_labels=roles,
        notice=notice,
        pending_requests=int(me.get("pending_access_requests_to_review") or 0),
        **context,
    )


@router.get("")
async def invitations(page: PageDep) -> Response:
    siren = await managed_siren(page)
    if siren is None:
        return not_a_manager(page)
    return await _list_page(page, siren)


def _too_early_wait(problem: Any) -> str:
    """The API's 409 too_early: the time left from its `expires_at`, else its Retry-After."""
    expires = parse_time(problem.extra.get("expires_at") or problem.extra.get("retry_at"))
    if expires is not None:
        return wait_in_words((expires - datetime.now(UTC)).total_seconds())
    return wait_in_words(problem.retry_after or 86400)


@router.post("/{invitation_id}/relancer")
async def resend(invitation_id: InvitationId, page: PageDep) -> Response:
    await page.form()
    siren = await managed_siren(page)
    if siren is None:
        return not_a_manager(page)
    try:
        resent = await page.api("POST", f"/api/v1/invitations/{invitation_id}/resend")
    except GatewayError as refused:
        problem = refused.problem
        if problem.code == "too_early":
            wait = _too_early_wait(problem)
            message = f"Vous pourrez relancer cette invitation dans {wait}."
        else:
            message = problem.detail
        return await _list_page(page, siren, status_code=problem.status, refusal=message)
    page.session.remember(**{NOTICE: f"L’invitation a été renvoyée à {resent.get('email', '')}."})
    return page.redirect("/gestion-des-acces/invitations")


@router.post("/{invitation_id}/retirer")
async def revoke(invitation_id: InvitationId, page: PageDep) -> Response:
    await page.form()
    siren = await managed_siren(page)
    if siren is None:
        return not_a_manager(page)
    try:
        revoked = await page.api("POST", f"/api/v1/invitations/{invitation_id}/revoke")
    except GatewayError as refused:
        return await _list_page(page, siren, status_code=refused.problem.status, refusal=refused.problem.detail)
    page.session.remember(
        **{NOTICE: f"L’invitation de {revoked.get('email', '')} a été retirée : son lien ne fonctionne plus."}
    )
    return page.redirect("/gestion-des-acces/invitations")
