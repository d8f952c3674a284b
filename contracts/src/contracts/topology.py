"""Exchange, queue and routing-key names, spelled once for every service."""

from typing import Final

# Public events: one durable topic exchange, routing keys `<service>.<aggregate>.<event>.v1`.
EVENTS_EXCHANGE: Final = "efp.events"
# Private commands (they may carry secrets such as codes): a direct exchange.
COMMANDS_EXCHANGE: Final = "efp.commands"
# Rejected or expired messages of every queue land here, routed by the queue's name.
DEAD_LETTER_EXCHANGE: Final = "efp.dead-letter"

SERVICES: Final = ("identity", "habilitation", "notification")

# The notification service's private command queue: only it may read it.
NOTIFICATION_COMMANDS_QUEUE: Final = "notification.commands"
SEND_EMAIL_ROUTING_KEY: Final = "notification.email.send.v1"
# Where notification parks the command of an abandoned e-mail, for an operator to requeue.
NOTIFICATION_ABANDONED_QUEUE: Final = "notification.abandoned"

# Habilitation's copies of identity's accounts, one queue per event type.
HABILITATION_ACCOUNT_EVENTS_QUEUE: Final = "habilitation.identity-accounts"
HABILITATION_ACCOUNT_CREATED_QUEUE: Final = f"{HABILITATION_ACCOUNT_EVENTS_QUEUE}.created"
HABILITATION_ACCOUNT_UPDATED_QUEUE: Final = f"{HABILITATION_ACCOUNT_EVENTS_QUEUE}.updated"
HABILITATION_ACCOUNT_EMAIL_CHANGED_QUEUE: Final = f"{HABILITATION_ACCOUNT_EVENTS_QUEUE}.email-changed"
HABILITATION_ACCOUNT_DELETED_QUEUE: Final = f"{HABILITATION_ACCOUNT_EVENTS_QUEUE}.deleted"
# Notification erases the e-mails of a deleted account (identity.account.deleted.v1).
NOTIFICATION_ACCOUNT_DELETED_QUEUE: Final = "notification.identity-accounts.deleted"

# Each gateway process feeds its copy of the habilitations from an exclusive queue `<prefix>.<random>`.
GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX: Final = "gateway.authorizations"
# ... and its cache of session answers from another (identity.session.changed.v1).
GATEWAY_SESSIONS_QUEUE_PREFIX: Final = "gateway.sessions"

# Every queue declared with `x-dead-letter-exchange: efp.dead-letter`, so with a dead-letter queue:
# provisioning declares those, and efp-ops reads them. tests/broker checks the running system has no other.
DEAD_LETTERED_QUEUES: Final = (
    HABILITATION_ACCOUNT_CREATED_QUEUE,
    HABILITATION_ACCOUNT_UPDATED_QUEUE,
    HABILITATION_ACCOUNT_EMAIL_CHANGED_QUEUE,
    HABILITATION_ACCOUNT_DELETED_QUEUE,
    NOTIFICATION_COMMANDS_QUEUE,
    NOTIFICATION_ACCOUNT_DELETED_QUEUE,
)


def rpc_queue(service: str) -> str:
    """The request/reply queue of a service (one per service)."""
    return f"{service}.rpc"


def dead_letter_queue(queue: str) -> str:
    """Where the messages rejected from `queue` are kept for operators."""
    return f"{queue}.dead-letter"


def credentials_queue(service: str) -> str:
    """Request/reply queue for requests that carry passwords or session tokens.

    Classic and transient, without dead-lettering: such a request must never rest on the
    broker's disk (a quorum queue writes every message to its log).
    """
    return f"{service}.credentials"


def notification_delay_queue(nominal_seconds: float) -> str:
    """The queue where notification holds a deferred command for one backoff level."""
    return f"{NOTIFICATION_COMMANDS_QUEUE}.delay.{nominal_seconds:g}s"
