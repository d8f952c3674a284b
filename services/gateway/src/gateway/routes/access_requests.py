"""Access requests (« demandes d'accès », guide §4 and §6.1), habilitation service."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import Field

from contracts import access_requests as ar
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
    next_page,
    search_text,
)
from gateway.problems import problem_responses
from gateway.routes.bodies import Body, siret_digits
from gateway.rpc import HABILITATION, Rpc

router = APIRouter(prefix="/api/v1", tags=["Gestion des accès"])
Status = Literal["pending", "accepted", "refused", "cancelled"]


class AccessRequestIn(Body):
    service: str = Field("ceres", max_length=40)
    siret: str = Field(min_length=14, max_length=20, examples=["00001011600010"])
    message: str | None = Field(None, max_length=1000)


class GrantIn(Body):
    role: str = Field(max_length=60, examples=["centre_agree"])
    siret: str = Field(min_length=14, max_length=20)
    end_date: date | None = None


class AcceptIn(Body):
    habilitations: list[GrantIn] = Field(min_length=1, max_length=50)


class RefuseIn(Body):
    reason: str | None = Field(None, max_length=1000)


@router.post(
    "/access-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=ar.AccessRequestV1,
    responses=problem_responses(401, 403, 409, 422, 429, 503),
)
async def submit(body: AccessRequestIn, session: auth.Session, rpc: Rpc) -> ar.AccessRequestV1:
    """Demander l'accès à un service pour un établissement ; chaque responsable des accès reçoit un e-mail."""
    command = ar.SubmitAccessRequestV1(
        actor=auth.actor_of(session), service=body.service, siret=siret_digits(body.siret), message=body.message
    )
    return await rpc.call(HABILITATION, command)


@router.get("/me/access-requests", response_model=Page[ar.AccessRequestV1], responses=problem_responses(401, 503))
async def mine(session: auth.Session, rpc: Rpc) -> Page[ar.AccessRequestV1]:
    """Mes demandes d'accès : toutes en une page (`next_cursor` toujours null ; elles sont peu nombreuses)."""
    query = ar.ListMyAccessRequestsV1(actor=auth.actor_of(session))
    found = await rpc.call(HABILITATION, query)
    return Page(items=found.access_requests, total=len(found.access_requests))


@router.get(
    "/access-requests/{request_id}",
    response_model=ar.AccessRequestV1,
    responses=problem_responses(401, 404, 503),
)
async def one(request_id: str, session: auth.Session, rpc: Rpc) -> ar.AccessRequestV1:
    """Une demande d'accès (le lien de l'e-mail aux responsables) : pour son auteur et les responsables
    des accès de la structure ; pour tout autre, 404 `not_found`."""
    query = ar.GetAccessRequestV1(actor=auth.actor_of(session), access_request_id=request_id)
    return await rpc.call(HABILITATION, query)


@router.post(
    "/access-requests/{request_id}/resend",
    response_model=ar.AccessRequestV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def resend(request_id: str, session: auth.Session, rpc: Rpc) -> ar.AccessRequestV1:
    """« Relancer ma demande » : 30 jours après le dernier envoi (sinon 409 `too_early`, avec `resendable_at`)."""
    command = ar.ResendAccessRequestV1(actor=auth.actor_of(session), access_request_id=request_id)
    return await rpc.call(HABILITATION, command)


@router.post(
    "/access-requests/{request_id}/cancel",
    response_model=ar.AccessRequestV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def cancel(request_id: str, session: auth.Session, rpc: Rpc) -> ar.AccessRequestV1:
    command = ar.CancelAccessRequestV1(actor=auth.actor_of(session), access_request_id=request_id)
    return await rpc.call(HABILITATION, command)


@router.get(
    "/organisations/{siren}/access-requests",
    response_model=Page[ar.AccessRequestV1],
    responses=problem_responses(401, 404, 422, 503),
)
async def of_organisation(
    siren: str,
    session: auth.Session,
    rpc: Rpc,
    status_filter: Annotated[Status | None, Query(alias="status")] = None,
    siret: str | None = None,
    q: Search = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ar.AccessRequestV1]:
    """Les demandes d'accès de la structure (responsables des accès), les plus récentes d'abord.

    Filtres : `status`, `siret` (l'établissement demandé), `q` (début du nom, du prénom ou de l'adresse
    e-mail du demandeur, sans tenir compte des majuscules ni des accents)."""
    query = ar.ListOrganisationAccessRequestsV1(
        actor=auth.actor_of(session),
        siren=siren,
        status=status_filter,
        siret=compact(siret),
        q=search_text(q),
        after=decode_cursor(cursor, 2),
        limit=limit,
    )
    found = await rpc.call(HABILITATION, query)
    return next_page(found.access_requests, found.next_after, found.total)


@router.post(
    "/access-requests/{request_id}/accept",
    response_model=ar.AccessRequestV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def accept(request_id: str, body: AcceptIn, session: auth.Session, rpc: Rpc) -> ar.AccessRequestV1:
    """Valider une demande : au moins une habilitation (rôle, établissement, date de fin facultative)."""
    command = ar.AcceptAccessRequestV1(
        actor=auth.actor_of(session),
        access_request_id=request_id,
        habilitations=[
            HabilitationGrantV1(role=g.role, siret=siret_digits(g.siret), end_date=g.end_date)
            for g in body.habilitations
        ],
    )
    return await rpc.call(HABILITATION, command)


@router.post(
    "/access-requests/{request_id}/refuse",
    response_model=ar.AccessRequestV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def refuse(request_id: str, body: RefuseIn, session: auth.Session, rpc: Rpc) -> ar.AccessRequestV1:
    command = ar.RefuseAccessRequestV1(actor=auth.actor_of(session), access_request_id=request_id, reason=body.reason)
    return await rpc.call(HABILITATION, command)
