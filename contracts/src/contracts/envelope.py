"""Message metadata carried by every message, mapped to AMQP properties and headers."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class Envelope(BaseModel):
    """Who sent what, when, and in answer to what.

    On the wire the envelope travels as AMQP properties (`message_id`, `type`,
    `timestamp`, `correlation_id`, `app_id`) plus the `x-causation-id` and
    `x-occurred-at` headers, so the body is the payload alone. It travels a second time
    as CloudEvents attributes (binary content mode, `ce-` headers below), for consumers
    that know CloudEvents and nothing of this platform.
    """

    model_config = ConfigDict(frozen=True)

    message_id: str
    type: str
    occurred_at: datetime
    correlation_id: str
    causation_id: str | None = None
    producer: str
    # What the message is about (CloudEvents `subject`), for events: see `Event.cloudevents_subject`.
    subject: str | None = None


CAUSATION_HEADER = "x-causation-id"
OCCURRED_AT_HEADER = "x-occurred-at"
# The correlation id also travels as a header: on RPC requests the AMQP `correlation_id`
# property is taken by request/reply matching, so consumers read this header first.
CORRELATION_HEADER = "x-correlation-id"

# CloudEvents 1.0 attributes in binary content mode. AMQP 0-9-1 has headers, not AMQP 1.0
# application properties, so they are named as the Kafka and HTTP bindings name theirs (`ce-`).
# The body is the event data, `application/json` (the AMQP `content_type` property says so too).
CE_ID_HEADER = "ce-id"  # = the AMQP message_id: deduplicate on it
CE_TYPE_HEADER = "ce-type"  # = the AMQP type and, for events, the routing key
CE_SOURCE_HEADER = "ce-source"  # = /efp-connect/<producer>
CE_SPECVERSION_HEADER = "ce-specversion"
CE_TIME_HEADER = "ce-time"  # RFC 3339, UTC
CE_SUBJECT_HEADER = "ce-subject"  # only when the message names one
CE_DATACONTENTTYPE_HEADER = "ce-datacontenttype"
CE_SPECVERSION = "1.0"
CE_DATACONTENTTYPE = "application/json"


def cloudevents_source(producer: str) -> str:
    """The CloudEvents `source` of what a service publishes: a URI reference naming the producer."""
    return f"/efp-connect/{producer}"
