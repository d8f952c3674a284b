"""A stand-in for the services, for the gateway's unit tests: put it in `app.state.rpc` (the `Rpc` dependency)."""

from typing import cast

from pydantic import BaseModel

from contracts.accounts import AuthenticateSessionV1, SessionV1
from contracts.rpc import Request, ResultT, RpcError
from efp_runtime.rpc import RpcRefused


class FakeServices:
    """Answers each request with the given answer of its result model, or refuses them all; records them.

    The session cookie's check (`AuthenticateSessionV1`) opens `session` and is not recorded, so a test
    sees only the requests its route made; with `session_refusal` it is refused so instead (a pending
    session, an ended one), whatever the route's own requests get.
    """

    connected = True

    def __init__(
        self,
        *answers: BaseModel,
        session: SessionV1 | None = None,
        refusal: RpcError | None = None,
        session_refusal: RpcError | None = None,
    ) -> None:
        self.answers = {type(answer): answer for answer in answers}
        self.session = session
        self.refusal = refusal
        self.session_refusal = session_refusal
        self.calls: list[tuple[str, Request]] = []

    @property
    def requests(self) -> list[Request]:
        return [request for _, request in self.calls]

    async def call(self, service: str, request: Request[ResultT], *, timeout_seconds: float | None = None) -> ResultT:
        if isinstance(request, AuthenticateSessionV1) and self.session_refusal is not None:
            raise RpcRefused(self.session_refusal)
        if isinstance(request, AuthenticateSessionV1) and self.session is not None:
            return cast("ResultT", self.session)
        self.calls.append((service, request))
        if self.refusal is not None:
            raise RpcRefused(self.refusal)
        return cast("ResultT", self.answers[request.RESULT])
