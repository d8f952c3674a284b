"""Readiness in memory: one round of pings a second per replica, shared by the probes that arrive meanwhile."""

import asyncio
from typing import cast

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.rpc import PingV1, PongV1, Request, ResultT
from contracts.topology import SERVICES
from efp_runtime.rpc import RpcUnavailable
from gateway import problems
from gateway.fakes import FakeServices
from gateway.routes import health
from gateway.routes.health import ReadinessProbe


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class SlowServices(FakeServices):
    """Answers pings once `answer` is set, so probes can pile up during a round; `down` do not answer."""

    def __init__(self, down: tuple[str, ...] = ()) -> None:
        super().__init__(PongV1(service="any"))
        self.answer = asyncio.Event()
        self.answer.set()
        self.down = down

    async def call(self, service: str, request: Request[ResultT], *, timeout_seconds: float | None = None) -> ResultT:
        self.calls.append((service, request))
        await self.answer.wait()
        if service in self.down:
            raise RpcUnavailable(f"{service} did not answer")
        return cast("ResultT", self.answers[request.RESULT])


def pings(rpc: FakeServices) -> int:
    return sum(isinstance(request, PingV1) for _, request in rpc.calls)


async def test_probes_arriving_during_a_round_share_it() -> None:
    rpc, probe = SlowServices(), ReadinessProbe(clock=Clock())
    rpc.answer.clear()
    probes = [asyncio.create_task(probe.services(rpc)) for _ in range(50)]
    await asyncio.sleep(0)

    rpc.answer.set()

    assert all(answer == dict.fromkeys(SERVICES, "ok") for answer in await asyncio.gather(*probes))
    assert pings(rpc) == len(SERVICES)


async def test_the_answers_are_kept_one_second_then_asked_again() -> None:
    rpc, clock = SlowServices(), Clock()
    probe = ReadinessProbe(clock=clock)
    await probe.services(rpc)

    clock.now += 0.9
    await probe.services(rpc)
    assert pings(rpc) == len(SERVICES)

    clock.now += 0.2
    await probe.services(rpc)
    assert pings(rpc) == 2 * len(SERVICES)


async def test_a_service_down_is_kept_as_down_for_the_second_too() -> None:
    rpc = SlowServices(down=("notification",))
    probe = ReadinessProbe(clock=Clock())

    assert (await probe.services(rpc))["notification"] == "unavailable"
    assert (await probe.services(rpc))["notification"] == "unavailable"
    assert pings(rpc) == len(SERVICES)


def test_many_readiness_requests_ping_each_service_once() -> None:
    rpc = FakeServices(PongV1(service="any"))
    app = FastAPI()
    problems.install(app)
    app.state.rpc = rpc
    # A clock that stands still: the second never ends, however slow the machine.
    app.state.readiness = ReadinessProbe(clock=Clock())
    app.include_router(health.router)

    with TestClient(app) as http:
        answers = [http.get("/health/ready") for _ in range(20)]

    assert {answer.status_code for answer in answers} == {200}
    assert pings(rpc) == len(SERVICES)
