"""GroupCommit: concurrent submissions flushed together, each caller getting its own result."""

import asyncio

import pytest

from notification.adapters.group_commit import GroupCommit


class Recorder:
    def __init__(self, fail_on: int | None = None, broken: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail_on = fail_on
        self.broken = broken

    async def flush(self, items: list[int]) -> list[int | Exception]:
        self.batches.append(items)
        await asyncio.sleep(0)  # a round trip: others submit meanwhile
        if self.broken:
            raise ConnectionError("store away")
        return [ValueError(item) if item == self.fail_on else item * 10 for item in items]


async def test_submissions_of_one_loop_turn_go_in_one_batch() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.flush)

    results = await asyncio.gather(*(commit.submit(i) for i in range(5)))

    assert results == [0, 10, 20, 30, 40]
    assert recorder.batches == [[0, 1, 2, 3, 4]]


async def test_what_arrives_during_a_flush_waits_for_the_next_one() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.flush)

    async def late(item: int) -> int:
        await asyncio.sleep(0)
        return await commit.submit(item)

    await asyncio.gather(commit.submit(1), late(2), late(3))

    assert recorder.batches == [[1], [2, 3]]


async def test_batches_are_bounded() -> None:
    recorder = Recorder()
    commit = GroupCommit(recorder.flush, max_batch=2)

    await asyncio.gather(*(commit.submit(i) for i in range(5)))

    assert [len(batch) for batch in recorder.batches] == [2, 2, 1]


async def test_one_failed_item_fails_its_caller_alone() -> None:
    commit = GroupCommit(Recorder(fail_on=2).flush)

    results = await asyncio.gather(*(commit.submit(i) for i in range(4)), return_exceptions=True)

    assert [type(r).__name__ if isinstance(r, Exception) else r for r in results] == [0, 10, "ValueError", 30]


async def test_a_failed_flush_fails_every_caller_of_the_batch_and_the_next_batch_still_runs() -> None:
    recorder = Recorder(broken=True)
    commit = GroupCommit(recorder.flush)

    with pytest.raises(ConnectionError):
        await asyncio.gather(commit.submit(1), commit.submit(2))
    recorder.broken = False

    assert await commit.submit(3) == 30
