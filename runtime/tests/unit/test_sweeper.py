"""The sweeper task: each sweep runs every pass; one failing does not stop the others or the next pass."""

import asyncio
import logging

import pytest

from efp_runtime.sweeper import run_sweeper, sweep_once


async def test_every_sweep_runs_and_a_failing_one_is_logged_for_the_next_pass(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[str] = []

    async def invitations() -> int:
        ran.append("invitations")
        raise ConnectionError("store away")

    async def habilitations() -> int:
        ran.append("habilitations")
        return 2

    with caplog.at_level(logging.ERROR):
        done = await sweep_once({"invitations": invitations, "habilitations": habilitations})

    assert ran == ["invitations", "habilitations"]
    assert done == {"habilitations": 2}
    assert "invitations sweep failed" in caplog.text


async def test_the_task_sweeps_at_once_then_on_its_interval_until_cancelled() -> None:
    passes = 0
    two_passes = asyncio.Event()

    async def count() -> int:
        nonlocal passes
        passes += 1
        if passes == 2:
            two_passes.set()
        return 0

    task = asyncio.create_task(run_sweeper({"count": count}, every_seconds=0.01))
    await asyncio.wait_for(two_passes.wait(), timeout=5)
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task
