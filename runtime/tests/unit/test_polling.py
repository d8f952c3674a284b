"""eventually(): returns the first result that holds, and fails with what it last saw."""

import pytest

from efp_runtime.polling import NotYet, eventually, eventually_sync


async def test_eventually_returns_the_first_result_that_holds() -> None:
    seen: list[int] = []

    async def probe() -> int:
        seen.append(len(seen))
        return len(seen)

    assert await eventually(probe, lambda n: n >= 3, every=0) == 3
    assert seen == [0, 1, 2]


async def test_eventually_retries_a_probe_that_raises_then_reports_the_last_error() -> None:
    async def refusing() -> int:
        raise ConnectionRefusedError("not up")

    with pytest.raises(NotYet, match=r"the service did not hold within 0\.1 s") as failed:
        await eventually(refusing, within=0.1, every=0.01, what="the service")
    assert isinstance(failed.value.__cause__, ConnectionRefusedError)


def test_eventually_sync_says_what_it_last_saw() -> None:
    with pytest.raises(NotYet, match=r"last seen: \[\]"):
        eventually_sync(list, within=0.05, every=0.01)
    assert eventually_sync(lambda: [1]) == [1]
