"""Request/reply plumbing shared by every service: errors, the reply shape, ping."""

from typing import Any, ClassVar, Generic, Literal

from pydantic import BaseModel, ConfigDict, SerializeAsAny
from typing_extensions import TypeVar

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


ReplyResultT = TypeVar("ReplyResultT", bound=BaseModel)
# A request's result. Its default lets code that handles any request say plain `Request`.
ResultT = TypeVar("ResultT", bound=BaseModel, default=Any)


class RpcReply(BaseModel, Generic[ReplyResultT]):
    """Exactly one of `result` and `error` is set."""

    model_config = ConfigDict(frozen=True)

    # SerializeAsAny: a reply built without a type parameter still serializes every field.
    result: SerializeAsAny[ReplyResultT] | None = None
    error: RpcError | None = None


# What a request may change of sessions (Request.CHANGES_SESSIONS).
SessionChange = Literal["this", "account"]


class Request(Message, Generic[ResultT]):
    """A request sent to a service's RPC queue; `kind` selects the handler.

    A request names the model of its reply's `result` once, as its type parameter
    (`class GetRolesV1(Request[RolesV1])`): the caller's type checker reads it there, and `RESULT`
    is set from it, so the client parses the reply without being told again. The parameter
    changes nothing on the wire (no field uses it).
    """

    kind: str
    # The model the `result` of the reply is parsed into: set from the type parameter.
    RESULT: ClassVar[type[BaseModel]]
    # True for requests carrying a password or a session token: sent to the service's
    # credentials queue (transient) instead of its durable RPC queue.
    CARRIES_SECRET: ClassVar[bool] = False
    # Requests that may end sessions or change what `SessionV1` says of them: "this" the session they name
    # (or a login's previous one), "account" every session of its account. A caller keeping copies of
    # sessions (the gateway's cache) drops those once it has sent one.
    CHANGES_SESSIONS: ClassVar[SessionChange | None] = None

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        result = _result_parameter(cls)
        if result is not None:
            cls.RESULT = result
        elif "MESSAGE_TYPE" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must name its result: class {cls.__name__}(Request[ResultV1])")


def _result_parameter(cls: type[BaseModel]) -> type[BaseModel] | None:
    """The model a class or one of its bases gave as `ResultT` (`Request[X]`, `_ActorRequest[X]`)."""
    for klass in cls.__mro__:
        # Pydantic records the arguments of each parametrized class it creates on that class itself.
        metadata = klass.__dict__.get("__pydantic_generic_metadata__")
        for argument in metadata["args"] if metadata else ():
            if isinstance(argument, type) and issubclass(argument, BaseModel):
                return argument
    return None


class PongV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    service: str


class PingV1(Request[PongV1]):
    """Readiness probe: every service answers it on its RPC queue."""

    MESSAGE_TYPE: ClassVar[str] = "ping.v1"
    kind: Literal["ping.v1"] = "ping.v1"
