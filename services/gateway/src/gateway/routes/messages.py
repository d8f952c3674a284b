"""Message history (notification service): `GET /api/v1/me/messages`, codes masked."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from contracts.errors import ErrorCode
from contracts.habilitation_management import GetAccessSummaryV1
from contracts.messages import ListAccountMessagesV1, ListOrganisationMessagesV1, MessagePageV1, MessageV1
from gateway import auth
from gateway.pagination import Cursor, Page, decode_cursor, encode_cursor, invalid_cursor
from gateway.problems import problem_response, problem_responses
from gateway.rpc import HABILITATION, NOTIFICATION, Rpc

router = APIRouter(prefix="/api/v1", tags=["Compte EFP Connect"])
MAX_ID_CHARS = 64  # what the notification service accepts as `before`
NOT_MANAGER = "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."


class MessageOut(BaseModel):
    id: str
    subject: str
    template: str = Field(description="Modèle du message, par exemple `password_reset_code`.")
    state: str = Field(description="queued, sending, retrying, sent ou abandoned.")
    created_at: str
    sent_at: str | None
    text: str = Field(description="Texte du message, chaque code remplacé par « •••••• ».")


MessageLimit = Annotated[int, Query(ge=1, le=100, description="Messages par page (20 par défaut, 100 au plus).")]


@router.get("/me/messages", response_model=Page[MessageOut], responses=problem_responses(401, 422, 503))
async def my_messages(
    session: auth.Session, rpc: Rpc, cursor: Cursor = None, limit: MessageLimit = 20
) -> Page[MessageOut]:
    """Les e-mails envoyés à propos de mon compte, du plus récent au plus ancien."""
    query = ListAccountMessagesV1(account_id=session.account_id, limit=limit, before=_before(cursor))
    return _page(await rpc.call(NOTIFICATION, query))


@router.get(
    "/organisations/{siren}/messages",
    response_model=Page[MessageOut],
    responses=problem_responses(401, 404, 422, 503),
    tags=["Gestion des accès"],
)
async def organisation_messages(
    siren: str,
    session: auth.Session,
    rpc: Rpc,
    cursor: Cursor = None,
    limit: MessageLimit = 20,
) -> Page[MessageOut] | JSONResponse:
    """Les e-mails envoyés à propos de la structure (responsables des accès de celle-ci)."""
    # Who manages what is the habilitation service's knowledge: ask it, like every other route.
    summary = await rpc.call(HABILITATION, GetAccessSummaryV1(actor=auth.actor_of(session)))
    if siren not in summary.manager_of:
        return problem_response(
            ErrorCode.NOT_FOUND, "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."
        )
    query = ListOrganisationMessagesV1(siren=siren, limit=limit, before=_before(cursor))
    return _page(await rpc.call(NOTIFICATION, query))


def _before(cursor: str | None) -> str | None:
    """The notification service pages after a message id: the cursor carries it."""
    key = decode_cursor(cursor, 1)
    if key is not None and not 0 < len(key[0]) <= MAX_ID_CHARS:
        raise invalid_cursor()
    return key[0] if key else None


def _page(page: MessagePageV1) -> Page[MessageOut]:
    items = [_message(item) for item in page.items]
    cursor = encode_cursor([page.next_before] if page.next_before else None)
    return Page(items=items, next_cursor=cursor, total=page.total if page.total is not None else len(items))


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
