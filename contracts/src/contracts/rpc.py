"""Request/reply plumbing shared by every service: errors, the reply shape, ping."""

from typing import ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, SerializeAsAny

from contracts.base import Message


class FieldError(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    message: str


class RpcError(BaseModel):
    """A refusal a user can read: a stable `code` and a French `detail`."""

    model_config = ConfigDict(frozen=True)

    code: str
    detail: str
    errors: list[FieldError] = []
    # For `rate_limited`: when trying again can succeed (the gateway's Retry-After).
    retry_after_seconds: int | None = None
    # Machine-readable extras a client needs, added to the problem body (e.g. `resendable_at`).
    details: dict[str, str] = {}


ResultT = TypeVar("ResultT", bound=BaseModel)


class RpcReply(BaseModel, Generic[ResultT]):
    """Exactly one of `result` and `error` is set."""

    model_config = ConfigDict(frozen=True)

    # SerializeAsAny: a reply built without a type parameter still serializes every field.
    result: SerializeAsAny[ResultT] | None = None
    error: RpcError | None = None


class Request(Message):
    """A request sent to a service's RPC queue; `kind` selects the handler."""

    kind: str
    # The model the `result` of the reply is parsed into.
    RESULT: ClassVar[type[BaseModel]]
    # True for requests carrying a password or a session token: sent to the service's
    # credentials queue (transient) instead of its durable RPC queue.
    CARRIES_SECRET: ClassVar[bool] = False


class PongV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: str


class PingV1(Request):
    """Readiness probe: every service answers it on its RPC queue."""

    MESSAGE_TYPE: ClassVar[str] = "ping.v1"
    RESULT: ClassVar[type[BaseModel]] = PongV1
    kind: Literal["ping.v1"] = "ping.v1"
