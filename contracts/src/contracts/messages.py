"""Message history (notification service): the e-mails sent about an account or organisation, secrets masked."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.rpc import Request


class MessageV1(BaseModel):
    """One e-mail as the history shows it: its text has every code replaced by « •••••• »."""

    model_config = ConfigDict(frozen=True)

    id: str
    template: str
    subject: str
    # queued, sending, retrying, sent or abandoned.
    state: str
    created_at: datetime
    sent_at: datetime | None
    text: str


class MessagePageV1(BaseModel):
    """Newest first; `next_before` is the `before` of the next page, None on the last one."""

    model_config = ConfigDict(frozen=True)

    items: list[MessageV1]
    next_before: str | None = None
    # Added with `{items, next_cursor, total}`: the e-mails of the history, every page together.
    total: int | None = None


class ListAccountMessagesV1(Request[MessagePageV1]):
    """The e-mails sent about an account; `before` is the id of the last message already seen."""

    MESSAGE_TYPE: ClassVar[str] = "notification.list_account_messages.v1"
    kind: Literal["notification.list_account_messages.v1"] = "notification.list_account_messages.v1"
    account_id: str
    limit: int = Field(20, ge=1, le=100)
    before: str | None = Field(None, max_length=64)


class ListOrganisationMessagesV1(Request[MessagePageV1]):
    """The e-mails sent about an organisation (its managers' view); `before` as above."""

    MESSAGE_TYPE: ClassVar[str] = "notification.list_organisation_messages.v1"
    kind: Literal["notification.list_organisation_messages.v1"] = "notification.list_organisation_messages.v1"
    siren: str = Field(pattern=r"^\d{9}$")
    limit: int = Field(20, ge=1, le=100)
    before: str | None = Field(None, max_length=64)
