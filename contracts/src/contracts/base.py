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

    # The dotted path of the field naming what the event is about (its CloudEvents `subject`), for an
    # event the naming convention below does not fit.
    SUBJECT_FIELD: ClassVar[str | None] = None

    def cloudevents_subject(self) -> str | None:
        """The id of what the event is about, so a consumer can filter and order without reading the body.

        By convention the aggregate named in the type (`<service>.<aggregate>.<event>.v1`): its
        `<aggregate>_id` field, or the `id` of its `<aggregate>` field; else the account concerned,
        on the event or on the record it carries (a manager right's `right.account_id`).
        """
        if self.SUBJECT_FIELD is not None:
            return _at(self, self.SUBJECT_FIELD)
        parts = self.MESSAGE_TYPE.split(".")
        aggregate = parts[1] if len(parts) > 2 else ""
        records = [name for name, value in self if isinstance(value, BaseModel)]
        for path in (f"{aggregate}_id", f"{aggregate}.id", "account_id", *(f"{r}.account_id" for r in records)):
            found = _at(self, path)
            if found is not None:
                return found
        return None


def _at(model: BaseModel, path: str) -> str | None:
    """The text of a field reached by a dotted path, None where the path leads nowhere or to nothing."""
    value: object = model
    for name in path.split("."):
        if not isinstance(value, BaseModel) or name not in type(value).model_fields:
            return None
        value = getattr(value, name)
    return None if value is None or isinstance(value, BaseModel) else str(value)


class Command(Message):
    """Something a service is asked to do, sent to the service's private command queue."""
