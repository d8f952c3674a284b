"""Liveness and readiness: ready only when the broker and every service answer a ping.

Readiness is public and unauthenticated, and each check costs a ping to every service: a replica
pings at most once a second, whatever the request rate; requests meanwhile get the last answer, and
those arriving during a round wait for that round instead of starting their own.
"""

import asyncio
import time
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from contracts.errors import ErrorCode
from contracts.rpc import PingV1
from contracts.topology import SERVICES
from efp_runtime.rpc import RpcRefused, RpcUnavailable
from gateway.problems import UNAVAILABLE, problem_response, problem_responses
from gateway.rpc import Rpc, Services

router = APIRouter(tags=["Exploitation"])
# Short enough for an orchestrator's probe to see a fall within its own period.
READINESS_KEPT_SECONDS = 1.0


class Health(BaseModel):
    status: str
    services: dict[str, str] = {}


class ReadinessProbe:
    """The services' last answers to a round of pings, kept `kept_seconds` after the round ended."""

    def __init__(self, kept_seconds: float = READINESS_KEPT_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._kept = kept_seconds
        self._clock = clock
        self._last: tuple[float, dict[str, str]] | None = None
        self._round: asyncio.Task[dict[str, str]] | None = None

    async def services(self, rpc: Services) -> dict[str, str]:
        if self._last is not None and self._clock() - self._last[0] < self._kept:
            return self._last[1]
        if self._round is None:
            self._round = asyncio.create_task(_ping_all(rpc))
            self._round.add_done_callback(self._ended)
        # Shielded: one probe giving up must not cancel the round the others wait for.
        return dict(await asyncio.shield(self._round))

    def _ended(self, round_: asyncio.Task[dict[str, str]]) -> None:
        self._round = None
        if not round_.cancelled() and round_.exception() is None:
            self._last = (self._clock(), round_.result())


def readiness_probe(request: Request) -> ReadinessProbe:
    """This replica's probe, made with the first readiness request (the app's state outlives requests)."""
    state = request.app.state
    if getattr(state, "readiness", None) is None:
        state.readiness = ReadinessProbe()
    probe: ReadinessProbe = state.readiness
    return probe


@router.get("/health/live", response_model=Health)
async def live() -> Health:
    return Health(status="ok")


@router.get("/health/ready", response_model=Health, responses=problem_responses(503))
async def ready(request: Request, rpc: Rpc) -> Health | JSONResponse:
    if not rpc.connected:
        return problem_response(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE)
    services = await readiness_probe(request).services(rpc)
    if any(state != "ok" for state in services.values()):
        down = ", ".join(name for name, state in services.items() if state != "ok")
        return problem_response(ErrorCode.SERVICE_UNAVAILABLE, f"{UNAVAILABLE} (indisponible : {down})")
    return Health(status="ready", services=services)


async def _ping_all(rpc: Services) -> dict[str, str]:
    answers = await asyncio.gather(*(_ping(rpc, s) for s in SERVICES))
    return dict(zip(SERVICES, answers, strict=True))


async def _ping(rpc: Services, service: str) -> str:
    try:
        await rpc.call(service, PingV1())
    except (RpcUnavailable, RpcRefused):
        return "unavailable"
    return "ok"
