"""Liveness and readiness: ready only when the broker and every service answer a ping."""

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from contracts.errors import ErrorCode
from contracts.rpc import PingV1
from contracts.topology import SERVICES
from efp_runtime.rpc import RpcRefused, RpcUnavailable
from gateway.problems import UNAVAILABLE, problem_response, problem_responses
from gateway.rpc import Rpc, Services

router = APIRouter(tags=["Exploitation"])


class Health(BaseModel):
    status: str
    services: dict[str, str] = {}


@router.get("/health/live", response_model=Health)
async def live() -> Health:
    return Health(status="ok")


@router.get("/health/ready", response_model=Health, responses=problem_responses(503))
async def ready(rpc: Rpc) -> Health | JSONResponse:
    if not rpc.connected:
        return problem_response(ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE)
    answers = await asyncio.gather(*(_ping(rpc, s) for s in SERVICES))
    services = dict(zip(SERVICES, answers, strict=True))
    if any(state != "ok" for state in services.values()):
        down = ", ".join(name for name, state in services.items() if state != "ok")
        return problem_response(ErrorCode.SERVICE_UNAVAILABLE, f"{UNAVAILABLE} (indisponible : {down})")
    return Health(status="ready", services=services)


async def _ping(rpc: Services, service: str) -> str:
    try:
        await rpc.call(service, PingV1())
    except (RpcUnavailable, RpcRefused):
        return "unavailable"
    return "ok"
