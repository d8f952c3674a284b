"""Invitations (« Inviter un utilisateur », guide §5 and §6.2–6.3), habilitation service."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from contracts import invitations as inv
from contracts.habilitation import HabilitationGrantV1
from gateway import auth
from gateway.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    Search,
    compact,
    decode_cursor,
    encode_cursor,
    search_text,
)
from gateway.problems import problem_responses
from gateway.rpc import HABILITATION, rpc_client

router = APIRouter(prefix="/api/v1", tags=["Gestion des accès"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class InvitedHabilitationIn(_Body):
    service: str = Field("ceres", max_length=40)
    role: str = Field(max_length=60, examples=["centre_agree"])
    siret: str = Field(min_length=14, max_length=20)
    end_date: date | None = None


class InvitationIn(_Body):
    """The identity is needed only when the address has no EFP Connect account yet."""

    email: str = Field(max_length=254, examples=["jeanne.martin@centre-formation.fr"])
    civility: str | None = Field(None, max_length=20, examples=["madame"])
    last_name: str | None = Field(None, max_length=200)
    first_name: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=200)
    habilitations: list[InvitedHabilitationIn] = Field(min_length=1, max_length=50)


class AcceptIn(_Body):
    token: str = Field(min_length=1, max_length=200)


@router.post(
    "/organisations/{siren}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def invite(siren: str, body: InvitationIn, session: auth.Session, request: Request) -> inv.InvitationV1:
    """Inviter une personne : un e-mail avec un lien à usage unique valable 1 jour (409 si déjà en attente)."""
    command = inv.InviteUserV1(
        actor=auth.actor_of(session),
        siren=siren,
        email=body.email,
        civility=body.civility,
        last_name=body.last_name,
        first_name=body.first_name,
        job_title=body.job_title,
        habilitations=[
            HabilitationGrantV1(service=h.service, role=h.role, siret="".join(h.siret.split()), end_date=h.end_date)
            for h in body.habilitations
        ],
    )
    return await rpc_client(request).call(HABILITATION, command, inv.InvitationV1)


@router.get(
    "/organisations/{siren}/invitations",
    response_model=Page[inv.InvitationV1],
    responses=problem_responses(401, 404, 422, 503),
)
async def of_organisation(
    siren: str,
    session: auth.Session,
    request: Request,
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
    found = await rpc_client(request).call(HABILITATION, query, inv.InvitationsV1)
    return Page(items=found.invitations, next_cursor=encode_cursor(found.next_after), total=found.total or 0)


@router.post(
    "/invitations/accept",
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def accept(body: AcceptIn, session: auth.Session, request: Request) -> inv.InvitationV1:
    """Accepter une invitation (jeton du lien), connecté avec l'adresse invitée : les habilitations sont accordées."""
    command = inv.AcceptInvitationV1(actor=auth.actor_of(session), token=body.token)
    return await rpc_client(request).call(HABILITATION, command, inv.InvitationV1)


@router.post(
    "/invitations/{invitation_id}/resend",
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def resend(invitation_id: str, session: auth.Session, request: Request) -> inv.InvitationV1:
    """« Relancer l'invitation » : une fois expirée (sinon 409 `too_early`, avec `expires_at`)."""
    command = inv.ResendInvitationV1(actor=auth.actor_of(session), invitation_id=invitation_id)
    return await rpc_client(request).call(HABILITATION, command, inv.InvitationV1)


@router.post(
    "/invitations/{invitation_id}/revoke",
    response_model=inv.InvitationV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def revoke(invitation_id: str, session: auth.Session, request: Request) -> inv.InvitationV1:
    """Retirer une invitation en attente ou expirée : son lien ne fonctionne plus."""
    command = inv.RevokeInvitationV1(actor=auth.actor_of(session), invitation_id=invitation_id)
    return await rpc_client(request).call(HABILITATION, command, inv.InvitationV1)
