"""Activation codes (agents) and self-activation as access manager (users). Paths follow API.md « Access management ».

`POST /api/v1/agent/activation-codes/{id}/revoke` and the letter's `GET …/{id}/letter` are
additions to API.md.
"""

import base64
from datetime import datetime

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from contracts import activation as a
from gateway import auth
from gateway.pagination import Page
from gateway.problems import problem_responses
from gateway.routes.bodies import Body
from gateway.rpc import HABILITATION, Rpc

router = APIRouter(prefix="/api/v1", tags=["Gestion des accès"])


def _utc(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


class IssueIn(Body):
    siret: str = Field(min_length=14, max_length=20, examples=["00001011600036"])
    service: str = Field("ceres", max_length=40)


class IssuedOut(BaseModel):
    id: str
    code: str = Field(description="Le code en clair : affiché cette seule fois, jamais conservé.")
    service: str
    siret: str
    expires_at: str
    letter_url: str = Field(description="Le courrier PDF : un seul téléchargement, par l'agent émetteur, sous 10 min.")
    letter_available_until: str


class ActivationCodeOut(BaseModel):
    id: str
    service: str
    siret: str
    siren: str
    organisation_name: str | None
    establishment_name: str | None
    state: str = Field(examples=["issued", "redeemed", "revoked", "expired"])
    issued_at: str
    expires_at: str
    issued_by: str
    issued_by_name: str | None
    redeemed_by: str | None
    redeemed_by_name: str | None
    redeemed_at: str | None
    revoked_by: str | None
    revoked_at: str | None
    revocation_reason: str | None
    letter_downloaded_by: str | None = Field(None, description="Qui a téléchargé le courrier (il contient le code).")
    letter_downloaded_at: str | None = None


def _code_out(code: a.ActivationCodeV1) -> ActivationCodeOut:
    fields = code.model_dump()
    for name in ("issued_at", "expires_at", "redeemed_at", "revoked_at", "letter_downloaded_at"):
        fields[name] = _utc(getattr(code, name))
    return ActivationCodeOut(**fields)


@router.post(
    "/agent/activation-codes",
    status_code=status.HTTP_201_CREATED,
    response_model=IssuedOut,
    responses=problem_responses(401, 403, 422, 503),
)
async def issue_activation_code(body: IssueIn, agent: auth.Agent, request: Request, rpc: Rpc) -> IssuedOut:
    """Émet un code d'activation pour (service, SIRET) ; tout code encore valable pour ce couple est révoqué."""
    issued = await rpc.call(
        HABILITATION,
        a.IssueActivationCodeV1(actor=auth.actor_of(agent), service=body.service, siret=body.siret),
    )
    return IssuedOut(
        id=issued.id,
        code=issued.code,
        service=issued.service,
        siret=issued.siret,
        expires_at=_utc(issued.expires_at) or "",
        letter_url=str(request.url_for("activation_letter", code_id=issued.id).path),
        letter_available_until=_utc(issued.letter_available_until) or "",
    )


@router.get(
    "/agent/activation-codes",
    response_model=Page[ActivationCodeOut],
    responses=problem_responses(401, 403, 422, 503),
)
async def list_activation_codes(
    agent: auth.Agent, rpc: Rpc, siret: str = Query(min_length=14, max_length=20)
) -> Page[ActivationCodeOut]:
    """Les codes d'un SIRET, du plus récent au plus ancien (jamais le code lui-même), en une page
    (`next_cursor` toujours null : un établissement en reçoit quelques-uns)."""
    found = await rpc.call(HABILITATION, a.ListActivationCodesV1(actor=auth.actor_of(agent), siret=siret))
    return Page(items=[_code_out(code) for code in found.activation_codes], total=len(found.activation_codes))


class RevokeIn(Body):
    reason: str | None = Field(None, max_length=500)


@router.post(
    "/agent/activation-codes/{code_id}/revoke",
    response_model=ActivationCodeOut,
    responses=problem_responses(401, 403, 404, 409, 503),
)
async def revoke_activation_code(
    code_id: str, agent: auth.Agent, rpc: Rpc, body: RevokeIn | None = None
) -> ActivationCodeOut:
    """Révoque un code encore valable (courrier égaré, agrément retiré…)."""
    reason = body.reason if body else None
    code = await rpc.call(
        HABILITATION,
        a.RevokeActivationCodeV1(actor=auth.actor_of(agent), activation_code_id=code_id, reason=reason),
    )
    return _code_out(code)


@router.get(
    "/agent/activation-codes/{code_id}/letter",
    name="activation_letter",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problem_responses(401, 403, 404, 503)},
)
async def activation_letter(code_id: str, agent: auth.Agent, rpc: Rpc) -> Response:
    """Le courrier « Modalités d'accès à l'applicatif CERES » : un seul téléchargement, dans les 10 minutes."""
    letter = await rpc.call(
        HABILITATION, a.GetActivationLetterV1(actor=auth.actor_of(agent), activation_code_id=code_id)
    )
    return Response(
        base64.b64decode(letter.content_base64),
        media_type="application/pdf",
        # no-store: the letter holds the code; a cached copy would outlive its single download.
        headers={"Content-Disposition": f'attachment; filename="{letter.filename}"', "Cache-Control": "no-store"},
    )


class ActivationIn(Body):
    siret: str = Field(min_length=14, max_length=20, examples=["00001011600036"])
    activation_code: str = Field(min_length=1, max_length=40, examples=["KBJ9SRMSN8F7"])


class CharterOut(BaseModel):
    version: str
    text: str = Field(description="La charte du responsable des accès (Markdown).")


class ActivationOut(BaseModel):
    activation_id: str
    charter: CharterOut


@router.post(
    "/activations", response_model=ActivationOut, responses=problem_responses(400, 401, 403, 409, 410, 422, 429, 503)
)
async def start_activation(body: ActivationIn, session: auth.Session, rpc: Rpc) -> ActivationOut:
    """SIRET et code d'activation du courrier : la charte du responsable des accès est alors à accepter."""
    started = await rpc.call(
        HABILITATION,
        a.StartActivationV1(actor=auth.actor_of(session), siret=body.siret, activation_code=body.activation_code),
    )
    return ActivationOut(
        activation_id=started.activation_id,
        charter=CharterOut(version=started.charter.version, text=started.charter.text),
    )


class AcceptCharterIn(Body):
    accept: bool


class ManagerRightOut(BaseModel):
    granted_by: str | None
    granted_at: str
    via: str


class ActivationCompletedOut(BaseModel):
    activation_id: str
    service: str
    siret: str
    siren: str
    organisation_name: str | None
    charter_version: str
    manager_right: ManagerRightOut


@router.post(
    "/activations/{activation_id}/accept-charter",
    response_model=ActivationCompletedOut,
    responses=problem_responses(401, 403, 404, 409, 410, 422, 503),
)
async def accept_charter(
    activation_id: str, body: AcceptCharterIn, session: auth.Session, rpc: Rpc
) -> ActivationCompletedOut:
    """« J'accepte de devenir responsable des accès » : l'appelant devient responsable des accès de la structure."""
    done = await rpc.call(
        HABILITATION,
        a.AcceptManagerCharterV1(actor=auth.actor_of(session), activation_id=activation_id, accept=body.accept),
    )
    right = done.manager_right
    return ActivationCompletedOut(
        **done.model_dump(exclude={"manager_right"}),
        manager_right=ManagerRightOut(
            granted_by=right.granted_by, granted_at=_utc(right.granted_at) or "", via=right.via
        ),
    )
