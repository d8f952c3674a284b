"""Base classes for messages: frozen data that ignores unknown fields (additive evolution)."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    """A payload on the wire. Unknown fields are ignored so producers can add fields."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    # The envelope `type`; for events it is also the routing key.
    MESSAGE_TYPE: ClassVar[str]


class Event(Message):
    """Something that happened, published on the public events exchange."""


class Command(Message):
    """Something a service is asked to do, sent to the service's private command queue."""
