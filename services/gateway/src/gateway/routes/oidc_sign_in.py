"""The web pages' side of OpenID Connect sign-in: check a client, issue a code, check a logout.

The web service calls these on a person's behalf (its session), as for every other page; the
relying parties never do (they use `/oidc/*`, see `oidc_provider.py`).
"""

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from contracts.habilitation import ActorV1
from contracts.habilitation_management import ListMyHabilitationsV1
from contracts.oidc import (
    AuthorizationCodeV1,
    CheckLogoutRequestV1,
    DescribeOidcClientV1,
    GrantedHabilitationV1,
    IssueAuthorizationCodeV1,
    LogoutRequestV1,
    OidcClientV1,
)
from gateway import auth
from gateway.problems import problem_responses
from gateway.rpc import HABILITATION, IDENTITY, Rpc, Services

router = APIRouter(prefix="/api/v1/oidc", tags=["Authentification unique (OpenID Connect)"])
ClientId = Field(min_length=1, max_length=200)
Uri = Field(min_length=1, max_length=2000)


async def active_habilitations(rpc: Services, actor: ActorV1) -> list[GrantedHabilitationV1]:
    found = await rpc.call(HABILITATION, ListMyHabilitationsV1(actor=actor))
    return [
        GrantedHabilitationV1(service=h.service, role=h.role, siret=h.siret, end_date=h.end_date)
        for h in found.habilitations
        if h.state == "active"
    ]


@router.get("/clients/{client_id}", response_model=OidcClientV1, responses=problem_responses(400, 422, 503))
async def describe_client(
    client_id: str, rpc: Rpc, redirect_uri: str = Query(min_length=1, max_length=2000)
) -> OidcClientV1:
    """L'application est-elle connue et active, et cette adresse de retour est-elle la sienne (à l'identique) ?"""
    return await rpc.call(IDENTITY, DescribeOidcClientV1(client_id=client_id, redirect_uri=redirect_uri))


class AuthorizationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str = ClientId
    redirect_uri: str = Uri
    scope: str = Field(min_length=1, max_length=500, examples=["openid email profile"])
    nonce: str | None = Field(None, max_length=500)
    code_challenge: str = Field(min_length=1, max_length=200)
    code_challenge_method: str = Field(min_length=1, max_length=20, examples=["S256"])
    max_age: int | None = Field(None, ge=0, le=10**9)
    # The client's `acr_values` as /authorize received it (space-separated): "efp:mfa" asks for a second factor.
    acr_values: str | None = Field(None, max_length=500, examples=["efp:mfa"])


@router.post(
    "/authorization-codes",
    status_code=status.HTTP_201_CREATED,
    response_model=AuthorizationCodeV1,
    responses=problem_responses(400, 401, 403, 422, 503),
)
async def issue_code(body: AuthorizationIn, session: auth.Session, request: Request, rpc: Rpc) -> AuthorizationCodeV1:
    """La personne connectée se connecte à l'application : un code à usage unique (60 s).

    401 `login_required` si la session est plus ancienne que `max_age` ; 403 `no_access` sans
    habilitation active sur le service de l'application ; avec `acr_values=efp:mfa`, 403 `step_up_required`
    (ou `second_factor_required` sans double authentification) si la session n'en a pas prouvé une.
    """
    token = auth.session_token(request)
    assert token is not None  # current_session found it
    return await rpc.call(
        IDENTITY,
        IssueAuthorizationCodeV1(
            session_token=token,
            client_id=body.client_id,
            redirect_uri=body.redirect_uri,
            scope=body.scope.split(),
            nonce=body.nonce,
            code_challenge=body.code_challenge,
            code_challenge_method=body.code_challenge_method,
            max_age=body.max_age,
            acr_values=(body.acr_values or "").split(),
            habilitations=await active_habilitations(rpc, auth.actor_of(session)),
        ),
    )


class LogoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_token_hint: str | None = Field(None, max_length=8000)
    client_id: str | None = Field(None, max_length=200)
    post_logout_redirect_uri: str | None = Field(None, max_length=2000)


@router.post("/logout-requests", response_model=LogoutRequestV1, responses=problem_responses(400, 422, 503))
async def check_logout(body: LogoutIn, rpc: Rpc) -> LogoutRequestV1:
    """Déconnexion demandée par une application : l'`id_token_hint` est-il de nous, l'adresse de retour enregistrée ?"""
    return await rpc.call(IDENTITY, CheckLogoutRequestV1(**body.model_dump()))
