"""Services, habilitations, users and access managers (guide §5–6, API.md « Access management »)."""

from datetime import date
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import Field

from contracts import habilitation_management as hm
from contracts.activation import CharterV1
from contracts.habilitation import HabilitationGrantV1, HabilitationV1
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
from gateway.routes.bodies import Body, HabilitationIn, siret_digits
from gateway.rpc import HABILITATION, Rpc

router = APIRouter(prefix="/api/v1", tags=["Gestion des accès"])


class AcceptIn(Body):
    accept: Literal[True]


@router.get("/services/{service}/roles", response_model=Page[hm.RoleV1], responses=problem_responses(404, 503))
async def roles(service: str, rpc: Rpc) -> Page[hm.RoleV1]:
    """Les rôles du service (le catalogue), en une page (`next_cursor` toujours null)."""
    found = await rpc.call(HABILITATION, hm.GetRolesV1(service=service))
    return Page(items=found.roles, total=len(found.roles))


@router.get("/services/{service}/terms", response_model=hm.TermsV1, responses=problem_responses(404, 503))
async def terms(service: str, rpc: Rpc) -> hm.TermsV1:
    """Les CGU du service (Markdown), dans la version qu'enregistre leur acceptation. Public."""
    return await rpc.call(HABILITATION, hm.GetTermsV1(service=service))


@router.get("/charter", response_model=CharterV1, responses=problem_responses(503))
async def charter(rpc: Rpc) -> CharterV1:
    """La charte du responsable des accès en vigueur (Markdown), celle que montre `POST /activations`. Public."""
    return await rpc.call(HABILITATION, hm.GetCharterV1())


@router.post(
    "/services/{service}/terms", response_model=hm.DoneV1, responses=problem_responses(401, 403, 404, 422, 503)
)
async def accept_terms(service: str, body: AcceptIn, session: auth.Session, rpc: Rpc) -> hm.DoneV1:
    """« J'ai lu et j'accepte les CGU » du service (version enregistrée)."""
    command = hm.AcceptTermsV1(actor=auth.actor_of(session), service=service)
    return await rpc.call(HABILITATION, command)


@router.get("/me/habilitations", response_model=Page[HabilitationV1], responses=problem_responses(401, 503))
async def my_habilitations(session: auth.Session, rpc: Rpc) -> Page[HabilitationV1]:
    """Mes habilitations, en une page (`next_cursor` toujours null : une personne en a quelques-unes)."""
    found = await rpc.call(HABILITATION, hm.ListMyHabilitationsV1(actor=auth.actor_of(session)))
    return Page(items=found.habilitations, total=len(found.habilitations))


@router.post(
    "/me/habilitations",
    status_code=status.HTTP_201_CREATED,
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def assign_myself(body: HabilitationIn, session: auth.Session, rpc: Rpc) -> HabilitationV1:
    """Un responsable des accès s'attribue une habilitation sur un établissement de sa structure."""
    command = hm.AssignMyHabilitationV1(actor=auth.actor_of(session), grant=body.grant())
    return await rpc.call(HABILITATION, command)


@router.get(
    "/organisations/{siren}/users",
    response_model=Page[hm.OrganisationUserV1],
    responses=problem_responses(401, 404, 422, 503),
)
async def users(
    siren: str,
    session: auth.Session,
    rpc: Rpc,
    role: str | None = None,
    siret: str | None = None,
    q: Search = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[hm.OrganisationUserV1]:
    """Les utilisateurs de la structure (responsables des accès), par nom, prénom puis identifiant.

    Filtres : `role` et `siret` (une même habilitation active porte les deux), `q` (début d'un mot du nom
    ou du prénom, sans tenir compte des majuscules ni des accents). `total` compte tous les utilisateurs
    qui correspondent aux filtres ; `next_cursor` demande la page suivante."""
    query = hm.ListOrganisationUsersV1(
        actor=auth.actor_of(session),
        siren=siren,
        role=role or None,
        siret=compact(siret),
        q=search_text(q),
        after=decode_cursor(cursor, 3),
        limit=limit,
    )
    found = await rpc.call(HABILITATION, query)
    return next_page(found.users, found.next_after, found.total)


@router.get(
    "/organisations/{siren}/users/{account_id}",
    response_model=hm.OrganisationUserV1,
    responses=problem_responses(401, 404, 503),
)
async def user(siren: str, account_id: str, session: auth.Session, rpc: Rpc) -> hm.OrganisationUserV1:
    query = hm.GetOrganisationUserV1(actor=auth.actor_of(session), siren=siren, account_id=account_id)
    return await rpc.call(HABILITATION, query)


@router.post(
    "/organisations/{siren}/users/{account_id}/habilitations",
    status_code=status.HTTP_201_CREATED,
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def add_habilitation(
    siren: str, account_id: str, body: HabilitationIn, session: auth.Session, rpc: Rpc
) -> HabilitationV1:
    command = hm.AddUserHabilitationV1(
        actor=auth.actor_of(session), siren=siren, account_id=account_id, grant=body.grant()
    )
    return await rpc.call(HABILITATION, command)


@router.delete(
    "/habilitations/{habilitation_id}",
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def revoke(habilitation_id: str, session: auth.Session, rpc: Rpc) -> HabilitationV1:
    """Supprimer une habilitation : elle passe à l'état `revoked` (l'historique est conservé)."""
    command = hm.RevokeHabilitationV1(actor=auth.actor_of(session), habilitation_id=habilitation_id)
    return await rpc.call(HABILITATION, command)


@router.put(
    "/organisations/{siren}/managers/{account_id}",
    response_model=hm.OrganisationUserV1,
    responses=problem_responses(401, 403, 404, 503),
)
async def appoint_manager(siren: str, account_id: str, session: auth.Session, rpc: Rpc) -> hm.OrganisationUserV1:
    command = hm.AppointManagerV1(actor=auth.actor_of(session), siren=siren, account_id=account_id)
    return await rpc.call(HABILITATION, command)


@router.delete(
    "/organisations/{siren}/managers/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def withdraw_manager(siren: str, account_id: str, session: auth.Session, rpc: Rpc) -> Response:
    """Retirer le droit de responsable des accès (409 `last_manager` pour le dernier)."""
    command = hm.WithdrawManagerV1(actor=auth.actor_of(session), siren=siren, account_id=account_id)
    await rpc.call(HABILITATION, command)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class DelegationIn(Body):
    email: str = Field(min_length=3, max_length=254)
    service: str = Field("ceres", max_length=40)
    role: str = Field(max_length=60)
    siret: str = Field(min_length=14, max_length=20)
    end_date: date


@router.post(
    "/organisations/{siren}/delegations",
    status_code=status.HTTP_201_CREATED,
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def delegate(siren: str, body: DelegationIn, session: auth.Session, rpc: Rpc) -> HabilitationV1:
    """Déléguer une habilitation sur un établissement de la structure à une personne d'une autre structure."""
    grant = HabilitationGrantV1(
        service=body.service, role=body.role, siret=siret_digits(body.siret), end_date=body.end_date
    )
    command = hm.DelegateHabilitationV1(actor=auth.actor_of(session), siren=siren, email=body.email, grant=grant)
    return await rpc.call(HABILITATION, command)
