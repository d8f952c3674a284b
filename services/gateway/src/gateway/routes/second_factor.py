"""« Mon compte » › double authentification (identity service): TOTP, passkeys and recovery codes.

Every route acts for the caller's session, named by its cookie's token (identity upgrades that session in
place when a factor is confirmed, and asks it for a fresh second factor before a factor is added beside
another, removed, or the recovery codes renewed: 403 `step_up_required`). WebAuthn options and
credentials travel as JSON objects here and as their JSON text on the bus (`contracts.second_factor`).
"""

import asyncio
import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel, Field

from contracts.accounts import SessionV1
from contracts.habilitation_management import GetAccessSummaryV1
from contracts.second_factor import (
    ConfirmTotpEnrolmentV1,
    FinishPasskeyRegistrationV1,
    GetSecondFactorStatusV1,
    RegenerateRecoveryCodesV1,
    RemovePasskeyV1,
    RemoveTotpV1,
    SecondFactorStatusV1,
    StartPasskeyRegistrationV1,
    StartTotpEnrolmentV1,
)
from gateway import auth
from gateway.problems import problem_responses
from gateway.routes.bodies import Body, CodeIn, Credential, credential_text
from gateway.rpc import HABILITATION, IDENTITY, Rpc, Services

router = APIRouter(prefix="/api/v1/me/second-factor", tags=["Compte EFP Connect"])


class PasskeyOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


class StatusOut(BaseModel):
    totp: bool
    passkeys: list[PasskeyOut]
    recovery_codes_left: int
    enrolled: bool = Field(
        description="Au moins un facteur (TOTP ou clé d'accès) : la connexion se fait en deux étapes."
    )
    required: bool = Field(description="Agent ou responsable des accès : la double authentification est exigée.")


class TotpOut(BaseModel):
    secret: str = Field(description="Base32, pour une saisie à la main dans l'application.")
    otpauth_uri: str = Field(description="otpauth://totp/… : le contenu du QR code.")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Affichés une seule fois ; vide si ce n'est pas le premier facteur.")


class OptionsOut(BaseModel):
    options: dict[str, Any] = Field(description="PublicKeyCredentialCreationOptions (JSON de WebAuthn).")


class PasskeyIn(Body):
    name: str = Field(min_length=1, max_length=64, examples=["Clé du bureau"])
    credential: Credential = Field(description="`credential.toJSON()` de `navigator.credentials.create()`.")


def _token(request: Request) -> str:
    token = auth.session_token(request)
    assert token is not None  # current_session found it
    return token


async def _required(rpc: Services, session: SessionV1) -> bool:
    summary = await rpc.call(HABILITATION, GetAccessSummaryV1(actor=auth.actor_of(session)))
    return summary.second_factor_required


async def _status_out(rpc: Services, session: SessionV1, found: SecondFactorStatusV1) -> StatusOut:
    return StatusOut(**found.model_dump(), required=await _required(rpc, session))


READ = problem_responses(401, 503)
WRITE = problem_responses(400, 401, 403, 422, 429, 503)


@router.get("", response_model=StatusOut, responses=READ)
async def second_factor_status(session: auth.Session, request: Request, rpc: Rpc) -> StatusOut:
    """Les facteurs du compte (jamais leurs secrets), les codes de secours restants, et s'ils sont exigés."""
    found, required = await asyncio.gather(
        rpc.call(IDENTITY, GetSecondFactorStatusV1(session_token=_token(request))), _required(rpc, session)
    )
    return StatusOut(**found.model_dump(), required=required)


@router.post("/totp", status_code=status.HTTP_201_CREATED, response_model=TotpOut, responses=WRITE)
async def start_totp(session: auth.Session, request: Request, rpc: Rpc) -> TotpOut:
    """Un nouveau secret TOTP, actif une fois un code confirmé (`/totp/confirm`)."""
    started = await rpc.call(IDENTITY, StartTotpEnrolmentV1(session_token=_token(request)))
    return TotpOut(secret=started.secret, otpauth_uri=started.otpauth_uri)


@router.post("/totp/confirm", response_model=RecoveryCodesOut, responses=WRITE)
async def confirm_totp(body: CodeIn, session: auth.Session, request: Request, rpc: Rpc) -> RecoveryCodesOut:
    """Le code affiché par l'application active le TOTP ; cette session compte alors comme doublement authentifiée."""
    enrolled = await rpc.call(IDENTITY, ConfirmTotpEnrolmentV1(session_token=_token(request), code=body.code))
    return RecoveryCodesOut(recovery_codes=enrolled.recovery_codes)


@router.delete("/totp", response_model=StatusOut, responses=WRITE)
async def remove_totp(session: auth.Session, request: Request, rpc: Rpc) -> StatusOut:
    """Retirer le TOTP (double authentification récente exigée)."""
    found = await rpc.call(IDENTITY, RemoveTotpV1(session_token=_token(request)))
    return await _status_out(rpc, session, found)


@router.post("/passkeys/options", response_model=OptionsOut, responses=WRITE)
async def passkey_options(session: auth.Session, request: Request, rpc: Rpc) -> OptionsOut:
    """Les options de `navigator.credentials.create()` pour une nouvelle clé d'accès (défi valable 5 minutes)."""
    found = await rpc.call(IDENTITY, StartPasskeyRegistrationV1(session_token=_token(request)))
    return OptionsOut(options=json.loads(found.options))


@router.post("/passkeys", status_code=status.HTTP_201_CREATED, response_model=RecoveryCodesOut, responses=WRITE)
async def add_passkey(body: PasskeyIn, session: auth.Session, request: Request, rpc: Rpc) -> RecoveryCodesOut:
    """Enregistrer la clé d'accès créée par le navigateur, sous le nom donné."""
    finish = FinishPasskeyRegistrationV1(
        session_token=_token(request), name=body.name, credential=credential_text(body.credential)
    )
    enrolled = await rpc.call(IDENTITY, finish)
    return RecoveryCodesOut(recovery_codes=enrolled.recovery_codes)


@router.delete("/passkeys/{passkey_id}", response_model=StatusOut, responses=problem_responses(400, 401, 403, 404, 503))
async def remove_passkey(
    session: auth.Session, request: Request, rpc: Rpc, passkey_id: str = Path(min_length=1, max_length=1400)
) -> StatusOut:
    """Retirer une clé d'accès (double authentification récente exigée)."""
    found = await rpc.call(IDENTITY, RemovePasskeyV1(session_token=_token(request), passkey_id=passkey_id))
    return await _status_out(rpc, session, found)


@router.post("/recovery-codes", response_model=RecoveryCodesOut, responses=WRITE)
async def regenerate_recovery_codes(session: auth.Session, request: Request, rpc: Rpc) -> RecoveryCodesOut:
    """Dix nouveaux codes de secours ; les anciens ne marchent plus (double authentification récente exigée)."""
    renewed = await rpc.call(IDENTITY, RegenerateRecoveryCodesV1(session_token=_token(request)))
    return RecoveryCodesOut(recovery_codes=renewed.recovery_codes)
