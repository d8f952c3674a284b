"""Services, habilitations, users and access managers (guide §5–6, API.md « Access management »)."""

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

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
    encode_cursor,
    search_text,
)
from gateway.problems import problem_responses
from gateway.rpc import HABILITATION, rpc_client

router = APIRouter(prefix="/api/v1", tags=["Gestion des accès"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HabilitationIn(_Body):
    service: str = Field("ceres", max_length=40)
    role: str = Field(max_length=60, examples=["centre_agree"])
    siret: str = Field(min_length=14, max_length=20)
    end_date: date | None = None

    def grant(self) -> HabilitationGrantV1:
        return HabilitationGrantV1(
            service=self.service, role=self.role, siret="".join(self.siret.split()), end_date=self.end_date
        )


class AcceptIn(_Body):
    accept: Literal[True]


@router.get("/services/{service}/roles", response_model=Page[hm.RoleV1], responses=problem_responses(404, 503))
async def roles(service: str, request: Request) -> Page[hm.RoleV1]:
    """Les rôles du service (le catalogue), en une page (`next_cursor` toujours null)."""
    found = await rpc_client(request).call(HABILITATION, hm.GetRolesV1(service=service), hm.RolesV1)
    return Page(items=found.roles, total=len(found.roles))


@router.get("/services/{service}/terms", response_model=hm.TermsV1, responses=problem_responses(404, 503))
async def terms(service: str, request: Request) -> hm.TermsV1:
    """Les CGU du service (Markdown), dans la version qu'enregistre leur acceptation. Public."""
    return await rpc_client(request).call(HABILITATION, hm.GetTermsV1(service=service), hm.TermsV1)


@router.get("/charter", response_model=CharterV1, responses=problem_responses(503))
async def charter(request: Request) -> CharterV1:
    """La charte du responsable des accès en vigueur (Markdown), celle que montre `POST /activations`. Public."""
    return await rpc_client(request).call(HABILITATION, hm.GetCharterV1(), CharterV1)


@router.post(
    "/services/{service}/terms", response_model=hm.DoneV1, responses=problem_responses(401, 403, 404, 422, 503)
)
async def accept_terms(service: str, body: AcceptIn, session: auth.Session, request: Request) -> hm.DoneV1:
    """« J'ai lu et j'accepte les CGU » du service (version enregistrée)."""
    command = hm.AcceptTermsV1(actor=auth.actor_of(session), service=service)
    return await rpc_client(request).call(HABILITATION, command, hm.DoneV1)


@router.get("/me/habilitations", response_model=Page[HabilitationV1], responses=problem_responses(401, 503))
async def my_habilitations(session: auth.Session, request: Request) -> Page[HabilitationV1]:
    """Mes habilitations, en une page (`next_cursor` toujours null : une personne en a quelques-unes)."""
    found = await rpc_client(request).call(
        HABILITATION, hm.ListMyHabilitationsV1(actor=auth.actor_of(session)), hm.HabilitationsV1
    )
    return Page(items=found.habilitations, total=len(found.habilitations))


@router.post(
    "/me/habilitations",
    status_code=status.HTTP_201_CREATED,
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def assign_myself(body: HabilitationIn, session: auth.Session, request: Request) -> HabilitationV1:
    """Un responsable des accès s'attribue une habilitation sur un établissement de sa structure."""
    command = hm.AssignMyHabilitationV1(actor=auth.actor_of(session), grant=body.grant())
    return await rpc_client(request).call(HABILITATION, command, HabilitationV1)


@router.get(
    "/organisations/{siren}/users",
    response_model=Page[hm.OrganisationUserV1],
    responses=problem_responses(401, 404, 422, 503),
)
async def users(
    siren: str,
    session: auth.Session,
    request: Request,
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
    found = await rpc_client(request).call(HABILITATION, query, hm.OrganisationUsersV1)
    return Page(items=found.users, next_cursor=encode_cursor(found.next_after), total=found.total or 0)


@router.get(
    "/organisations/{siren}/users/{account_id}",
    response_model=hm.OrganisationUserV1,
    responses=problem_responses(401, 404, 503),
)
async def user(siren: str, account_id: str, session: auth.Session, request: Request) -> hm.OrganisationUserV1:
    query = hm.GetOrganisationUserV1(actor=auth.actor_of(session), siren=siren, account_id=account_id)
    return await rpc_client(request).call(HABILITATION, query, hm.OrganisationUserV1)


@router.post(
    "/organisations/{siren}/users/{account_id}/habilitations",
    status_code=status.HTTP_201_CREATED,
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def add_habilitation(
    siren: str, account_id: str, body: HabilitationIn, session: auth.Session, request: Request
) -> HabilitationV1:
    command = hm.AddUserHabilitationV1(
        actor=auth.actor_of(session), siren=siren, account_id=account_id, grant=body.grant()
    )
    return await rpc_client(request).call(HABILITATION, command, HabilitationV1)


@router.delete(
    "/habilitations/{habilitation_id}",
    response_model=HabilitationV1,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def revoke(habilitation_id: str, session: auth.Session, request: Request) -> HabilitationV1:
    """Supprimer une habilitation : elle passe à l'état `revoked` (l'historique est conservé)."""
    command = hm.RevokeHabilitationV1(actor=auth.actor_of(session), habilitation_id=habilitation_id)
    return await rpc_client(request).call(HABILITATION, command, HabilitationV1)


@router.put(
    "/organisations/{siren}/managers/{account_id}",
    response_model=hm.OrganisationUserV1,
    responses=problem_responses(401, 403, 404, 503),
)
async def appoint_manager(
    siren: str, account_id: str, session: auth.Session, request: Request
) -> hm.OrganisationUserV1:
    command = hm.AppointManagerV1(actor=auth.actor_of(session), siren=siren, account_id=account_id)
    return await rpc_client(request).call(HABILITATION, command, hm.OrganisationUserV1)


@router.delete(
    "/organisations/{siren}/managers/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def withdraw_manager(siren: str, account_id: str, session: auth.Session, request: Request) -> Response:
    """Retirer le droit de responsable des accès (409 `last_manager` pour le dernier)."""
    command = hm.WithdrawManagerV1(actor=auth.actor_of(session), siren=siren, account_id=account_id)
    await rpc_client(request).call(HABILITATION, command, hm.DoneV1)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class DelegationIn(_Body):
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
async def delegate(siren: str, body: DelegationIn, session: auth.Session, request: Request) -> HabilitationV1:
    """Déléguer une habilitation sur un établissement de la structure à une personne d'une autre structure."""
    grant = HabilitationGrantV1(
        service=body.service, role=body.role, siret="".join(body.siret.split()), end_date=body.end_date
    )
    command = hm.DelegateHabilitationV1(actor=auth.actor_of(session), siren=siren, email=body.email, grant=grant)
    return await rpc_client(request).call(HABILITATION, command, HabilitationV1)
