"""Group commit: concurrent writes of one kind reach the database together, in one round trip."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")
# One result per item, in order; an exception fails that item alone.
Flush = Callable[[list[ItemT]], Awaitable[list[ResultT | Exception]]]


class GroupCommit(Generic[ItemT, ResultT]):
    """Each caller submits one item and awaits its own result. The first item starts a flush on the
    next turn of the event loop, so everything submitted in the same turn goes with it; items that
    arrive while a flush is in flight wait for the next one. Idle, nothing waits longer than one
    loop turn; under load, batches grow by themselves. On the MongoDB-wire store used here, a batch
    of 32 inserts costs the server about a quarter of 32 single inserts, and the driver likewise.
    """

    def __init__(self, flush: Flush[ItemT, ResultT], max_batch: int = 500) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._waiting: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, item: ItemT) -> ResultT:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ResultT] = loop.create_future()
        self._waiting.append((item, future))
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._run())
        return await future

    async def _run(self) -> None:
        batch: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                try:
                    results = await self._flush([item for item, _ in batch])
                except Exception as failure:  # the whole batch failed: each caller gets the error
                    results = [failure] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue  # its caller was cancelled
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        except asyncio.CancelledError:
            # Shutdown: nobody is left waiting for ever.
            for _, future in [*batch, *self._waiting]:
                future.cancel()
            self._waiting.clear()
            raise
