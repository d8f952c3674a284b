"""The authorization copy's full load: one paged read of every active habilitation, at growing sizes.

What the gateway does at start (`gateway.authorization_feed`, pages of 5,000), without the broker and the
gateway around it: habilitation's own use case and repository over a SecantusDB started on a free port in a
temp dir, filled by bench/growth_data.py (the repositories' own documents, in bulk). For each total of
`--habilitations` (ascending, the store grows), the full read is timed `--runs` times (median printed), and
the slowest page with it. The store's CPU and the bench's own (the client's decoding and the use case's
contract objects) are beside it: steadier than the time on a shared machine.

    .venv/bin/python bench/snapshot.py [--habilitations 1000,10000,100000] [--runs 1] [--page 5000]
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from growth_data import Seeder

from contracts import authorizations as az
from devstack.processes import Stack, cpu_seconds, free_port
from devstack.system import start_mongodb
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client
from habilitation.adapters import mongo_habilitation_repository
from habilitation.adapters.mongo_active_habilitations import MongoActiveHabilitations
from habilitation.use_cases.habilitations.list_active_habilitations import ListActiveHabilitations

ESTABLISHMENT = "10000000000000"  # growth_data's first made-up SIRET: one habilitation in 35,000
CONTEXT = MessageContext(message_id="bench-snapshot", correlation_id="bench-snapshot")


async def full_read(snapshot: ListActiveHabilitations, page: int, siret: str | None = None) -> tuple[int, float]:
    """Habilitations read and the slowest page's seconds, following `next_after_id` as the gateway does."""
    after_id: str | None = None
    count, slowest = 0, 0.0
    while True:
        started = time.perf_counter()
        request = az.ListActiveHabilitationsV1(after_id=after_id, limit=page, siret=siret)
        answer = await snapshot(request, CONTEXT)
        slowest = max(slowest, time.perf_counter() - started)
        count += len(answer.habilitations)
        if answer.next_after_id is None:
            return count, slowest
        after_id = answer.next_after_id


async def measure(url: str, sizes: list[int], runs: int, page: int, store_pid: int) -> None:
    client = create_mongo_client(url)
    seeder = Seeder(client["bench_identity"], client["bench_habilitation"])
    await seeder.indexes()
    collection = client["bench_habilitation"][mongo_habilitation_repository.COLLECTION]
    heads = ("habilitations", "full read s", "slowest page s", "store CPU s", "bench CPU s", "establishment s")
    print("  ".join(f"{head:>{len(head)}}" for head in heads), flush=True)
    for total in sizes:
        await seeder.others(total)
        times, slowest, store, bench = [], 0.0, [], []
        for _ in range(runs):
            # A new adapter each run: what it learns of the ids is the service's from its start, as a restart.
            snapshot = ListActiveHabilitations(MongoActiveHabilitations(collection))
            cpu, own, started = cpu_seconds(store_pid), time.process_time(), time.perf_counter()
            count, page_seconds = await full_read(snapshot, page)
            times.append(time.perf_counter() - started)
            store.append(cpu_seconds(store_pid) - cpu)
            bench.append(time.process_time() - own)
            slowest = max(slowest, page_seconds)
            if count != total:
                raise AssertionError(f"read {count:,} active habilitations of {total:,}")
        # One establishment's snapshot (a consuming system's start, `GET /api/v1/habilitations`): a few of them.
        started = time.perf_counter()
        await full_read(ListActiveHabilitations(MongoActiveHabilitations(collection)), page, ESTABLISHMENT)
        establishment = time.perf_counter() - started
        print(
            f"{total:>13,}  {statistics.median(times):>11.2f}  {slowest:>14.2f}  {statistics.median(store):>11.2f}"
            f"  {statistics.median(bench):>11.2f}  {establishment:>15.2f}",
            flush=True,
        )
    await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--habilitations", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--page", type=int, default=5000)
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.habilitations.split(","))
    stack = Stack()
    try:
        url = start_mongodb(stack, Path(tempfile.mkdtemp(prefix="efp-bench-snapshot-")), free_port())
        store = next(child for child in stack.children if child.name == "secantusdb")
        asyncio.run(measure(url, sizes, args.runs, args.page, store.pid))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
