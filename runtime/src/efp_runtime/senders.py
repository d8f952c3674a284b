"""Who may send what: the broker user each message type may come from, checked on receipt.

RabbitMQ refuses a publish whose AMQP `user_id` differs from its connection's user (PRECONDITION_FAILED),
so `user_id` names the sender for sure, and every process stamps it on what it publishes
(`stamp_sender`). Write on the default exchange reaches every queue by name, so a queue's consumer,
not the broker's permissions, decides whose messages it acts on. The rules (README « Broker users and
permissions »):

- requests: only from `gateway`, plus the few other services and the operator send (PEER_REQUESTS);
- `SendEmailV1`: from the service owning its template (identity or habilitation, TEMPLATE_OWNERS), from
  `notification` itself (its delay queues bring its own commands back) and from `operator` (a parked
  command or a dead letter requeued keeps its body but becomes the operator's publish);
- events: from the service their type's prefix names; `operator` too for those its dead-letter
  replays put back (OPERATOR_REPLAYS), i.e. the events of dead-lettered queues;
- a broker administrator (BROKER_ADMINISTRATORS) passes: it may grant itself anything anyway.

The checks are enforced when the process itself connects as one of the provisioned users
(`broker_access.USERS`), and always in production. A process connecting as another user (a bare broker,
`guest` in integration tests, or devstack when it could not create users) shares that account with every
other process, so the sender says nothing: the checks are then off, with a warning at start.
"""

import functools
import inspect
import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

from faststream import BaseMiddleware
from faststream.exceptions import RejectMessage
from faststream.rabbit import RabbitBroker
from faststream.rabbit.response import RabbitPublishCommand

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1, GetProfileV1
from contracts.activation import (
    GetActivationLetterV1,
    IssueActivationCodeV1,
    ListActivationCodesV1,
    RevokeActivationCodeV1,
)
from contracts.catalogue import requests_of
from contracts.invited_accounts import CreateInvitedAccountV1
from contracts.notification import SendEmailV1
from contracts.organisations import GetOrganisationV1, SearchOrganisationsV1
from contracts.privacy import AccountDeletedV1, AccountEmailChangedV1, GetDeletionBlockersV1
from contracts.topology import SERVICES
from efp_runtime.broker_access import USERS_BY_NAME
from efp_runtime.broker_addresses import amqp_addresses

logger = logging.getLogger(__name__)
GATEWAY = "gateway"
OPERATOR = "operator"
# RabbitMQ's built-in default (loopback only) and devstack's administrator.
BROKER_ADMINISTRATORS = frozenset({"guest", "efp-admin"})
# The requests a broker user other than the gateway legitimately sends (grep `rpc.call(` in services/ and ops/).
PEER_REQUESTS: dict[str, frozenset[str]] = {
    # Invitations, the account copies' fallback and the establishment directory ask identity.
    "habilitation": frozenset(
        r.MESSAGE_TYPE for r in (CreateInvitedAccountV1, GetProfileV1, SearchOrganisationsV1, GetOrganisationV1)
    ),
    # An account's deletion asks habilitation whether the person is an organisation's last access manager.
    "identity": frozenset({GetDeletionBlockersV1.MESSAGE_TYPE}),
    # `efp-ops activation-codes` acts as a named agent (ops/src/efp_ops/commands/activation_codes.py).
    OPERATOR: frozenset(
        r.MESSAGE_TYPE
        for r in (IssueActivationCodeV1, GetActivationLetterV1, RevokeActivationCodeV1, ListActivationCodesV1)
    ),
}
# Which service's code builds each e-mail content (grep the content classes in services/*/src).
IDENTITY_TEMPLATES = frozenset(
    {
        "signup_verification_code",
        "signup_attempt_existing_account",
        "account_created",
        "password_reset_code",
        "password_changed",
        "codes_locked",
        "second_factor_changed",
        "email_change_code",
        "email_changed",
        "account_deleted",
        "inactive_account_warning",
    }
)
HABILITATION_TEMPLATES = frozenset(
    {
        "access_request_received",
        "access_request_resent",
        "access_granted",
        "access_refused",
        "invitation",
        "invitation_resent",
        "habilitation_ending_soon",
        "habilitation_ended",
        "manager_right_granted",
        "manager_right_withdrawn",
        "activation_code_redeemed",
    }
)
TEMPLATE_OWNERS = {t: "identity" for t in IDENTITY_TEMPLATES} | {t: "habilitation" for t in HABILITATION_TEMPLATES}
# Messages of the dead-lettered queues (topology.DEAD_LETTERED_QUEUES), which `efp-ops` replays.
OPERATOR_REPLAYS = frozenset(
    {
        AccountCreatedV1.MESSAGE_TYPE,
        AccountProfileUpdatedV1.MESSAGE_TYPE,
        AccountEmailChangedV1.MESSAGE_TYPE,
        AccountDeletedV1.MESSAGE_TYPE,
        SendEmailV1.MESSAGE_TYPE,
    }
)


def broker_user(amqp_url: str) -> str:
    """The user a process connects as: its AMQP URL's (aio-pika's default, guest, when it names none)."""
    # Every address of a list names the same user (efp_runtime.broker_addresses).
    return urllib.parse.unquote(urllib.parse.urlsplit(amqp_addresses(amqp_url)[0]).username or "guest")


@functools.cache
def _request_kinds() -> frozenset[str]:
    return frozenset(r.MESSAGE_TYPE for service in SERVICES for r in requests_of(service))


def allowed_senders(message_type: str, template: str | None = None) -> frozenset[str]:
    """The broker users who may send a message of this type (and, for an e-mail, this template)."""
    if message_type == SendEmailV1.MESSAGE_TYPE:
        owner = TEMPLATE_OWNERS.get(template or "")
        return frozenset({"notification", OPERATOR, *([owner] if owner else [])})
    if message_type in _request_kinds():
        return frozenset({GATEWAY, *(user for user, kinds in PEER_REQUESTS.items() if message_type in kinds)})
    owner = message_type.split(".", 1)[0]
    return frozenset({owner, *([OPERATOR] if message_type in OPERATOR_REPLAYS else [])})


class SenderCheck:
    """The check of one process: `allows` logs and says no to a sender not on the message type's list."""

    def __init__(self, own_user: str, environment: str = "development") -> None:
        self.own_user = own_user
        self.enforced = environment == "production" or own_user in USERS_BY_NAME
        if not self.enforced:
            logger.warning("connected to the broker as %r, not a provisioned user: senders are not checked", own_user)

    @classmethod
    def of(cls, amqp_url: str, environment: str = "development") -> "SenderCheck":
        return cls(broker_user(amqp_url), environment)

    def allows(self, sender: str | None, message_type: str, template: str | None = None) -> bool:
        if not self.enforced or sender in BROKER_ADMINISTRATORS:
            return True
        allowed = allowed_senders(message_type, template)
        if sender in allowed:
            return True
        logger.warning(
            "refused %s%s from broker user %r: only %s may send it",
            message_type,
            f" ({template})" if template else "",
            sender,
            ", ".join(sorted(allowed)),
        )
        return False

    def guard(self, handler: Callable[..., Any], broker: RabbitBroker) -> Callable[..., Any]:
        """`handler` of a consumed queue, run only for an allowed sender; any other message is rejected
        (not requeued: to the queue's dead-letter queue, where it stays as evidence)."""

        # FastDepends passes the parsed body by its parameter's name.
        body_name = next(iter(inspect.signature(handler).parameters))

        @functools.wraps(handler)
        async def checked(*args: Any, **kwargs: Any) -> Any:
            body = kwargs[body_name] if body_name in kwargs else args[0]
            # Looked up per message: the app replaces the broker's context when it starts.
            message = broker.context.get_local("message")
            content = getattr(body, "content", None)
            template = getattr(content, "template", None) if isinstance(body, SendEmailV1) else None
            if not self.allows(message.raw_message.user_id, body.MESSAGE_TYPE, template):
                raise RejectMessage
            return await handler(*args, **kwargs)

        return checked


def stamp_sender(user: str) -> type[BaseMiddleware]:
    """A broker middleware setting `user_id` on everything the broker publishes (events, commands, replies)."""

    class SenderStamp(BaseMiddleware):
        async def publish_scope(self, call_next: Callable[[Any], Any], cmd: Any) -> Any:
            if isinstance(cmd, RabbitPublishCommand):
                cmd.message_options["user_id"] = user
            return await call_next(cmd)

    return SenderStamp
