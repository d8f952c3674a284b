"""Message metadata carried by every message, mapped to AMQP properties and headers."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Envelope(BaseModel):
    """Who sent what, when, and in answer to what.

    On the wire the envelope travels as AMQP properties (`message_id`, `type`,
    `timestamp`, `correlation_id`, `app_id`) plus the `x-causation-id` and
    `x-occurred-at` headers, so the body is the payload alone.
    """

    model_config = ConfigDict(frozen=True)

    message_id: str
    type: str
    occurred_at: datetime
    correlation_id: str
    causation_id: str | None = None
    producer: str


CAUSATION_HEADER = "x-causation-id"
OCCURRED_AT_HEADER = "x-occurred-at"
# The correlation id also travels as a header: on RPC requests the AMQP `correlation_id`
# property is taken by request/reply matching, so consumers read this header first.
CORRELATION_HEADER = "x-correlation-id"
