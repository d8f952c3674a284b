"""The envelope of a message in flight: read from an incoming AMQP message, written to an outgoing one."""

import contextvars
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracts.envelope import (
    CAUSATION_HEADER,
    CE_DATACONTENTTYPE,
    CE_DATACONTENTTYPE_HEADER,
    CE_ID_HEADER,
    CE_SOURCE_HEADER,
    CE_SPECVERSION,
    CE_SPECVERSION_HEADER,
    CE_SUBJECT_HEADER,
    CE_TIME_HEADER,
    CE_TYPE_HEADER,
    CORRELATION_HEADER,
    OCCURRED_AT_HEADER,
    Envelope,
    cloudevents_source,
)

# The correlation id of the work in progress, stamped on every log line.
correlation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class MessageContext:
    """What a handler knows of the message that caused its work, passed down to use cases."""

    message_id: str
    correlation_id: str
    # The broker user that published the message: RabbitMQ refuses a `user_id` other than the
    # connection's, so it is who sent it (None for work that starts here, or an unstamped message).
    sender: str | None = None

    @classmethod
    def fresh(cls) -> "MessageContext":
        """For work that starts here (an HTTP call, a sweeper run)."""
        message_id = new_id()
        return cls(message_id=message_id, correlation_id=correlation_id_var.get() or message_id)

    def envelope_for(self, message_type: str, producer: str, subject: str | None = None) -> Envelope:
        """The envelope of a message caused by this one."""
        return Envelope(
            message_id=new_id(),
            type=message_type,
            occurred_at=datetime.now(UTC),
            correlation_id=self.correlation_id,
            causation_id=self.message_id,
            producer=producer,
            subject=subject,
        )


def amqp_properties(envelope: Envelope) -> dict[str, Any]:
    """Keyword arguments of `RabbitBroker.publish` that carry the envelope, CloudEvents headers included."""
    headers = {
        OCCURRED_AT_HEADER: envelope.occurred_at.isoformat(),
        CORRELATION_HEADER: envelope.correlation_id,
        **cloudevents_headers(envelope),
    }
    if envelope.causation_id:
        headers[CAUSATION_HEADER] = envelope.causation_id
    return {
        "message_id": envelope.message_id,
        "message_type": envelope.type,
        "correlation_id": envelope.correlation_id,
        "timestamp": envelope.occurred_at,
        "headers": headers,
    }


def cloudevents_headers(envelope: Envelope) -> dict[str, str]:
    """The envelope as CloudEvents 1.0 attributes in binary content mode (see `contracts.envelope`)."""
    occurred_at = envelope.occurred_at
    # A naive time is UTC: that is how every service writes it. Milliseconds: what the store keeps of it.
    occurred_at = occurred_at.replace(tzinfo=UTC) if occurred_at.tzinfo is None else occurred_at.astimezone(UTC)
    headers = {
        CE_SPECVERSION_HEADER: CE_SPECVERSION,
        CE_ID_HEADER: envelope.message_id,
        CE_TYPE_HEADER: envelope.type,
        CE_SOURCE_HEADER: cloudevents_source(envelope.producer),
        CE_TIME_HEADER: occurred_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        CE_DATACONTENTTYPE_HEADER: CE_DATACONTENTTYPE,
    }
    if envelope.subject:
        headers[CE_SUBJECT_HEADER] = envelope.subject
    return headers


def context_of(
    message_id: str | None, correlation_id: str | None, headers: Mapping[str, Any], sender: str | None = None
) -> MessageContext:
    """The context of an incoming message; a message without ids still gets fresh ones."""
    mid = message_id or new_id()
    header = headers.get(CORRELATION_HEADER)
    return MessageContext(message_id=mid, correlation_id=str(header or correlation_id or mid), sender=sender)
