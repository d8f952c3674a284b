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
