"""Invitations (« Inviter un utilisateur », guide §5 and §6.2–6.3), habilitation service."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import Field

from contracts import invitations as inv
from gateway import auth
from gateway.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    Search,
    compact,
    decode_cursor,
    next_page,
    search_text,
)
from gateway.problems import problem_responses
from gateway.routes.bodies import Body, HabilitationIn
from gateway.rpc import HABILITATION, Rpc

router = APIRouter(prefix="/api/v1", tags=["Gestion des accès"])


class InvitedHabilitationIn(HabilitationIn):
    # The same fields; its own name keeps the OpenAPI document's schema as it was.
    pass


class InvitationIn(Body):
    """The identity is needed only when the address has no EFP Connect account yet."""

    email: str = Field(max_length=254, examples=["jeanne.martin@centre-formation.fr"])
    civility: str | None = Field(None, max_length=20, examples=["madame"])
    last_name: str | None = Field(None, max_length=200)
    first_name: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=200)
    habilitations: list[InvitedHabilitationIn] = Field(min_length=1, max_length=50)


class AcceptIn(Body):
    token: str = Field(min_length=1, max_length=200)


@router.post(
    "/organisations/{siren}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def invite(siren: str, body: InvitationIn, session: auth.Session, rpc: Rpc) -> inv.InvitationV1:
    """Inviter une personne : un e-mail avec un lien à usage unique valable 1 jour (409 si déjà en attente)."""
    command = inv.InviteUserV1(
        actor=auth.actor_of(session),
        siren=siren,
        email=body.email,
        civility=body.civility,
        last_name=body.last_name,
        first_name=body.first_name,
        job_title=body.job_title,
        habilitations=[h.grant() for h in body.habilitations],
    )
    return await rpc.call(HABILITATION, command)


@router.get(
    "/organisations/{siren}/invitations",
    response_model=Page[inv.InvitationV1],
    responses=problem_responses(401, 404, 422, 503),
)
async def of_organisation(
    siren: str,
    session: auth.Session,
    rpc: Rpc,
    status_filter: Annotated[inv.InvitationStatus | None, Query(alias="status")] = None,
    siret: str | None = None,
    q: Search = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[inv.InvitationV1]:
    """Les invitations de la structure (responsables des accès), les plus récentes d'abord : `sent` en
    attente, `expired` à relancer. Filtres : `status`, `siret` (une habilitation proposée sur cet
    établissement), `q` (début du nom, du prénom ou de l'adresse e-mail de la personne invitée)."""
    query = inv.ListInvitationsV1(
        actor=auth.actor_of(session),
        siren=siren,
        status=status_filter,
        siret=compact(siret),
        q=search_text(q),
        after=decode_cursor(cursor, 2),
        limit=limit,
    )
    found = await rpc.call(HABILITATION, query)
    return next_page(found.invitations, found.next_after, found.total)


@router.post(
    "/invitations/accept",
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def accept(body: AcceptIn, session: auth.Session, rpc: Rpc) -> inv.InvitationV1:
    """Accepter une invitation (jeton du lien), connecté avec l'adresse invitée : les habilitations sont accordées."""
    command = inv.AcceptInvitationV1(actor=auth.actor_of(session), token=body.token)
    return await rpc.call(HABILITATION, command)


@router.post(
    "/invitations/{invitation_id}/resend",
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def resend(invitation_id: str, session: auth.Session, rpc: Rpc) -> inv.InvitationV1:
    """« Relancer l'invitation » : une fois expirée (sinon 409 `too_early`, avec `expires_at`)."""
    command = inv.ResendInvitationV1(actor=auth.actor_of(session), invitation_id=invitation_id)
    return await rpc.call(HABILITATION, command)


@router.post(
    "/invitations/{invitation_id}/revoke",
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def revoke(invitation_id: str, session: auth.Session, rpc: Rpc) -> inv.InvitationV1:
    """Retirer une invitation en attente ou expirée : son lien ne fonctionne plus."""
    command = inv.RevokeInvitationV1(actor=auth.actor_of(session), invitation_id=invitation_id)
    return await rpc.call(HABILITATION, command)
