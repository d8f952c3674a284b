"""Sign-up routes (identity service). Paths and fields follow API.md « Account »."""

from typing import Literal

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from contracts.accounts import (
    ChooseRegistrationPasswordV1,
    CompleteRegistrationV1,
    GiveRegistrationIdentityV1,
    GoBackInRegistrationV1,
    ResendRegistrationCodeV1,
)
from contracts.identity import RegistrationStepV1, StartRegistrationV1, VerifyRegistrationCodeV1
from gateway import auth
from gateway.problems import problem_responses
from gateway.routes.bodies import Body, CaptchaIn, CodeIn
from gateway.routes.passwords import NewPasswordIn
from gateway.rpc import IDENTITY, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])


class RegistrationIn(CaptchaIn):
    email: str = Field(min_length=3, max_length=254, examples=["jean.dupont@entreprise.fr"])


class RegistrationOut(BaseModel):
    registration_id: str
    step: str

    @classmethod
    def of(cls, step: RegistrationStepV1) -> "RegistrationOut":
        return cls(registration_id=step.registration_id, step=step.step)


class ResendIn(Body):
    captcha_id: str = Field(min_length=1, max_length=64)
    captcha_answer: str = Field(min_length=1, max_length=32)


class VerifyIn(CodeIn):
    code: str = Field(min_length=1, max_length=16, examples=["764906"])


@router.post(
    "/registrations",
    status_code=status.HTTP_201_CREATED,
    response_model=RegistrationOut,
    responses=problem_responses(400, 422, 429, 503),
)
async def start_registration(body: RegistrationIn, request: Request, rpc: Rpc) -> RegistrationOut:
    """Étape 1 sur 5 : l'e-mail de connexion et le code de sécurité. Un code de validation est envoyé par e-mail."""
    step = await rpc.call(
        IDENTITY,
        StartRegistrationV1(
            email=body.email,
            captcha_id=body.captcha_id,
            captcha_answer=body.captcha_answer,
            client_ip=auth.client_ip(request),
        ),
    )
    return RegistrationOut.of(step)


@router.post(
    "/registrations/{registration_id}/verify",
    response_model=RegistrationOut,
    responses=problem_responses(400, 404, 409, 410, 422, 503),
)
async def verify_registration(registration_id: str, body: VerifyIn, rpc: Rpc) -> RegistrationOut:
    """Étape 2 sur 5 : le code de validation reçu par e-mail (6 chiffres, valable 1 heure)."""
    step = await rpc.call(IDENTITY, VerifyRegistrationCodeV1(registration_id=registration_id, code=body.code))
    return RegistrationOut.of(step)


@router.post(
    "/registrations/{registration_id}/resend-code",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RegistrationOut,
    responses=problem_responses(400, 404, 409, 410, 422, 429, 503),
)
async def resend_registration_code(
    registration_id: str, request: Request, rpc: Rpc, body: ResendIn | None = None
) -> RegistrationOut:
    """« Renvoyer le code » : un nouveau code de validation (au plus un par minute, 5 par 15 minutes).
    Le premier renvoi est libre ; les suivants demandent le code de sécurité (`captcha_id`, `captcha_answer`)."""
    captcha = {"captcha_id": body.captcha_id, "captcha_answer": body.captcha_answer} if body else {}
    client_ip = auth.client_ip(request)
    step = await rpc.call(
        IDENTITY, ResendRegistrationCodeV1(registration_id=registration_id, client_ip=client_ip, **captcha)
    )
    return RegistrationOut.of(step)


@router.post(
    "/registrations/{registration_id}/password",
    response_model=RegistrationOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def choose_password(registration_id: str, body: NewPasswordIn, rpc: Rpc) -> RegistrationOut:
    """Étape 3 sur 5 : le mot de passe (12 caractères au moins, 3 types de caractères sur 4)."""
    step = await rpc.call(
        IDENTITY,
        ChooseRegistrationPasswordV1(registration_id=registration_id, password=body.password),
    )
    return RegistrationOut.of(step)


class IdentityIn(Body):
    civility: Literal["madame", "monsieur"]
    last_name: str = Field(min_length=1, max_length=80, examples=["Dupont"])
    first_name: str = Field(min_length=1, max_length=80, examples=["Jean-Éric"])


@router.post(
    "/registrations/{registration_id}/identity",
    response_model=RegistrationOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def give_identity(registration_id: str, body: IdentityIn, rpc: Rpc) -> RegistrationOut:
    """Étape 4 sur 5 : civilité, nom, prénom."""
    step = await rpc.call(
        IDENTITY,
        GiveRegistrationIdentityV1(
            registration_id=registration_id,
            civility=body.civility,
            last_name=body.last_name,
            first_name=body.first_name,
        ),
    )
    return RegistrationOut.of(step)


class BackIn(Body):
    step: Literal["identity"] = Field(description="L'étape où revenir : `identity` (depuis l'étape 5 seulement).")


@router.post(
    "/registrations/{registration_id}/back",
    response_model=RegistrationOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def go_back(registration_id: str, body: BackIn, rpc: Rpc) -> RegistrationOut:
    """« Retour » depuis l'étape 5 : l'étape 4 (identité) peut être saisie de nouveau. Ailleurs : 409 `wrong_step`."""
    step = await rpc.call(IDENTITY, GoBackInRegistrationV1(registration_id=registration_id, step=body.step))
    return RegistrationOut.of(step)


class OrganisationIn(Body):
    siren: str = Field(min_length=9, max_length=20, examples=["356000000"])
    job_title: str | None = Field(None, max_length=100)
    accept_terms: bool


class AccountCreatedOut(BaseModel):
    account_id: str


@router.post(
    "/registrations/{registration_id}/organisation",
    status_code=status.HTTP_201_CREATED,
    response_model=AccountCreatedOut,
    responses=problem_responses(404, 409, 410, 422, 503),
)
async def complete_registration(registration_id: str, body: OrganisationIn, rpc: Rpc) -> AccountCreatedOut:
    """Étape 5 sur 5 : l'entreprise, le poste (facultatif) et l'acceptation des CGU. Le compte est créé."""
    created = await rpc.call(
        IDENTITY,
        CompleteRegistrationV1(
            registration_id=registration_id,
            siren=body.siren,
            job_title=body.job_title,
            accept_terms=body.accept_terms,
        ),
    )
    return AccountCreatedOut(account_id=created.account_id)
