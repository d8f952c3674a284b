"""Message history (notification service): `GET /api/v1/me/messages`, codes masked."""

from datetime import datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from contracts.habilitation_management import AccessSummaryV1, GetAccessSummaryV1
from contracts.messages import ListAccountMessagesV1, ListOrganisationMessagesV1, MessagePageV1, MessageV1
from gateway import auth
from gateway.problems import problem_response, problem_responses
from gateway.rpc import HABILITATION, NOTIFICATION, rpc_client

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])
NOT_MANAGER = "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."


class MessageOut(BaseModel):
    id: str
    subject: str
    template: str = Field(description="Modèle du message, par exemple `password_reset_code`.")
    state: str = Field(description="queued, sending, retrying, sent ou abandoned.")
    created_at: str
    sent_at: str | None
    text: str = Field(description="Texte du message, chaque code remplacé par « •••••• ».")


class MessagesOut(BaseModel):
    items: list[MessageOut]
    next_before: str | None = Field(description="À passer en `before` pour la page suivante ; absent en fin de liste.")


@router.get("/me/messages", response_model=MessagesOut, responses=problem_responses(401, 422, 503))
async def my_messages(
    session: auth.Session,
    request: Request,
    limit: int = Query(20, ge=1, le=100, description="Messages par page."),
    before: str | None = Query(None, max_length=64, description="`next_before` de la page précédente."),
) -> MessagesOut:
    """Les e-mails envoyés à propos de mon compte, du plus récent au plus ancien."""
    page = await rpc_client(request).call(
        NOTIFICATION, ListAccountMessagesV1(account_id=session.account_id, limit=limit, before=before), MessagePageV1
    )
    return MessagesOut(items=[_message(item) for item in page.items], next_before=page.next_before)


@router.get(
    "/organisations/{siren}/messages",
    response_model=MessagesOut,
    responses=problem_responses(401, 404, 422, 503),
    tags=["Gestion des accès"],
)
async def organisation_messages(
    siren: str,
    session: auth.Session,
    request: Request,
    limit: int = Query(20, ge=1, le=100, description="Messages par page."),
    before: str | None = Query(None, max_length=64, description="`next_before` de la page précédente."),
) -> MessagesOut | JSONResponse:
    """Les e-mails envoyés à propos de la structure (responsables des accès de celle-ci)."""
    rpc = rpc_client(request)
    # Who manages what is the habilitation service's knowledge: ask it, like every other route.
    summary = await rpc.call(HABILITATION, GetAccessSummaryV1(actor=auth.actor_of(session)), AccessSummaryV1)
    if siren not in summary.manager_of:
        return problem_response(
            "not_found", "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."
        )
    page = await rpc.call(
        NOTIFICATION, ListOrganisationMessagesV1(siren=siren, limit=limit, before=before), MessagePageV1
    )
    return MessagesOut(items=[_message(item) for item in page.items], next_before=page.next_before)


def _message(message: MessageV1) -> MessageOut:
    return MessageOut(
        id=message.id,
        subject=message.subject,
        template=message.template,
        state=message.state,
        created_at=_utc(message.created_at),
        sent_at=_utc(message.sent_at) if message.sent_at else None,
        text=message.text,
    )


def _utc(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
