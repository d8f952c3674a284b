"""A person's own data (GDPR, issue 15): `DELETE /api/v1/me`, `GET /api/v1/me/export`, `POST /api/v1/me/email`
and `POST /api/v1/me/email/verify` (contracts.privacy).

Each acts for the caller's session, named to identity by its cookie's token (identity checks the password
again and, when a factor is enrolled, a fresh second factor). A wrong password is a field mistake (400 on
`password`), not a lost session: a 401 would log the page out, as for `POST /me/password`.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.errors import ErrorCode
from contracts.habilitation_management import GetAccessSummaryV1
from contracts.privacy import (
    DeleteAccountV1,
    EmailChangeStepV1,
    ExportHabilitationDataV1,
    ExportIdentityDataV1,
    ExportMessagesDataV1,
    HabilitationDataV1,
    IdentityDataV1,
    MessagesDataV1,
    StartEmailChangeV1,
    VerifyEmailChangeV1,
)
from contracts.rpc import FieldError
from efp_runtime.rpc import RpcRefused
from gateway import auth
from gateway.problems import from_rpc_error, problem_responses
from gateway.routes.bodies import CodeIn
from gateway.routes.me import AccountOut, account_out
from gateway.rpc import HABILITATION, IDENTITY, NOTIFICATION, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])
PARIS = ZoneInfo("Europe/Paris")
EXPORT_FILENAME = "efp-connect-mes-donnees-{day}.json"


class PasswordIn(BaseModel):
    # Unknown fields refused as `Body` does; passwords are not stripped: a space is a character like any other.
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=1, max_length=256)


class NewEmailIn(PasswordIn):
    new_email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)] = Field(
        examples=["jeanne.martin@centre-formation.fr"]
    )


class ExportOut(BaseModel):
    exported_at: datetime
    identity: IdentityDataV1
    habilitation: HabilitationDataV1
    emails: MessagesDataV1


def _token(request: Request) -> str:
    token = auth.session_token(request)
    assert token is not None  # current_session found it
    return token


def now_of(request: Request) -> datetime:
    """The gateway's clock (the test system's shifted one), else the system's."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


async def _password_checked(call: Awaitable[Any]) -> Any:
    """The identity call, a wrong password made a 400 on the field `password` (returned, not raised)."""
    try:
        return await call
    except RpcRefused as refused:
        if refused.error.code != ErrorCode.INVALID_CREDENTIALS:
            raise
        # On the field the page shows it next to, whichever field identity named.
        message = refused.error.errors[0].message if refused.error.errors else refused.error.detail
        error = refused.error.model_copy(update={"errors": [FieldError(field="password", message=message)]})
        return from_rpc_error(error, status=status.HTTP_400_BAD_REQUEST)


@router.delete(
    "/me", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(400, 401, 403, 409, 422, 429, 503)
)
async def delete_me(body: PasswordIn, session: auth.Session, request: Request, rpc: Rpc) -> Response:
    """« Supprimer mon compte » : le mot de passe, et une double authentification récente si elle est activée
    (sinon 403 `step_up_required`). Refusé (409 `last_manager`, `siren`) tant que la personne est le dernier
    responsable des accès d'une organisation. Les sessions sont fermées, le cookie effacé."""
    done = await _password_checked(
        rpc.call(IDENTITY, DeleteAccountV1(session_token=_token(request), password=body.password))
    )
    if isinstance(done, JSONResponse):
        return done
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    auth.clear_session_cookie(response, request.app.state.settings.secure_cookies())
    return response


@router.get(
    "/me/export",
    response_model=ExportOut,
    responses={200: {"content": {"application/json": {}}}, **problem_responses(401, 403, 503)},
)
async def export_me(session: auth.Session, request: Request, rpc: Rpc) -> JSONResponse:
    """« Télécharger mes données » : ce que chaque service garde sur la personne, en un fichier JSON
    (compte et sessions, habilitations et leur historique, e-mails reçus)."""
    identity, habilitation, emails = await asyncio.gather(
        rpc.call(IDENTITY, ExportIdentityDataV1(session_token=_token(request))),
        rpc.call(HABILITATION, ExportHabilitationDataV1(actor=auth.actor_of(session))),
        rpc.call(NOTIFICATION, ExportMessagesDataV1(account_id=session.account_id)),
    )
    now = now_of(request)
    exported = ExportOut(exported_at=now, identity=identity, habilitation=habilitation, emails=emails)
    filename = EXPORT_FILENAME.format(day=now.astimezone(PARIS).date().isoformat())
    return JSONResponse(
        exported.model_dump(mode="json"),
        # no-store: the whole of a person's data; no cache may keep a copy.
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class EmailChangeOut(BaseModel):
    new_email: str
    expires_at: datetime
    resendable_at: datetime = Field(description="Quand un nouveau code peut être demandé (même requête).")


@router.post(
    "/me/email",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EmailChangeOut,
    responses=problem_responses(400, 401, 403, 409, 422, 429, 503),
)
async def start_email_change(body: NewEmailIn, session: auth.Session, request: Request, rpc: Rpc) -> Any:
    """« Modifier mon adresse e-mail » : la nouvelle adresse et le mot de passe actuel ; un code à 6 chiffres
    est envoyé à la nouvelle adresse (valable 30 minutes). La même requête renvoie un code après
    `resendable_at`."""
    step = await _password_checked(
        rpc.call(
            IDENTITY,
            StartEmailChangeV1(
                session_token=_token(request),
                new_email=body.new_email,
                password=body.password,
                client_ip=auth.client_ip(request),
            ),
        )
    )
    if isinstance(step, JSONResponse):
        return step
    assert isinstance(step, EmailChangeStepV1)
    return EmailChangeOut(**step.model_dump())


@router.post(
    "/me/email/verify",
    response_model=AccountOut,
    responses=problem_responses(400, 401, 403, 404, 409, 410, 422, 429, 503),
)
async def verify_email_change(body: CodeIn, session: auth.Session, request: Request, rpc: Rpc) -> AccountOut:
    """Le code reçu à la nouvelle adresse : l'adresse change, l'ancienne en est avertie, les autres sessions
    sont fermées. La réponse est le compte, comme `GET /api/v1/me`."""
    profile = await rpc.call(IDENTITY, VerifyEmailChangeV1(session_token=_token(request), code=body.code))
    summary = await rpc.call(HABILITATION, GetAccessSummaryV1(actor=auth.actor_of(session)))
    return account_out(
        profile, session.csrf_token, summary, amr=session.amr, second_factor_enrolled=session.second_factor_enrolled
    )
