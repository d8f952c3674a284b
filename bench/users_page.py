"""One page of « Gestion des utilisateurs » in a small and a large organisation, side by side in one run.

Starts its own SecantusDB on a free port in a temp dir (no broker), fills the `organisation_users`
listing of two organisations (`--small`, `--large` people, a third of them holding a role), then times
`MongoOrganisationUsers.page` (first page of 50, then the same with a role filter) and prints the
ratio large ÷ small. A figure, not a goal: on SecantusDB an equality on `siren` materialises that
organisation's index entries before the sort, so the ratio grows with the organisation there; on
MongoDB the `{siren, last_key, first_key, account_id}` index walk stops after the page. Before the
listing, a page read every member and every habilitation of the organisation and matched them in Python.

    .venv/bin/python bench/users_page.py [--small 20] [--large 5000] [--runs 20]
"""

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from scoreboard import Row  # bench/, beside this script

from devstack.processes import Stack, free_port
from devstack.system import start_mongodb
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_organisation_users
from habilitation.adapters.mongo_organisation_users import FOREVER, MongoOrganisationUsers
from habilitation.domain.name_search import name_key, search_words
from habilitation.use_cases.organisation.ports import UsersQuery

SMALL, LARGE = "000000001", "000000002"
TODAY = date(2026, 12, 2)


def listed(siren: str, n: int) -> dict[str, Any]:
    last, first = f"Nom{n:06d}", f"Prénom{n % 97:02d}"
    held = [{"role": "centre_agree", "siret": f"{siren}00010", "until": FOREVER}] if n % 3 == 0 else []
    return {
        "_id": f"{siren}:acc-{n}",
        "siren": siren,
        "account_id": f"{siren}-acc-{n}",
        "last_key": name_key(last),
        "first_key": name_key(first),
        "words": search_words(last, first),
        "held": held,
        "listed_until": FOREVER,
    }


async def timed(listing: MongoOrganisationUsers, query: UsersQuery, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await listing.page(query)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def bench(url: str, small: int, large: int, runs: int) -> dict[str, float]:
    client = create_mongo_client(url)
    db = client["bench_users_page"]
    await ensure_indexes(db, mongo_organisation_users.INDEXES)
    collection = db[mongo_organisation_users.COLLECTION]
    for siren, size in ((SMALL, small), (LARGE, large)):
        for start in range(0, size, 1000):
            await collection.insert_many([listed(siren, n) for n in range(start, min(size, start + 1000))])
    listing = MongoOrganisationUsers(collection, db["accounts"], db["habilitations"])
    figures = {}
    for name, siren in (("small", SMALL), ("large", LARGE)):
        figures[f"{name} page"] = await timed(listing, UsersQuery(siren, TODAY, limit=50), runs)
        figures[f"{name} by role"] = await timed(listing, UsersQuery(siren, TODAY, role="centre_agree", limit=50), runs)
    await client.close()
    return figures


def run(args: argparse.Namespace) -> dict[str, float]:
    stack = Stack()
    state = Path(tempfile.mkdtemp(prefix="efp-bench-users-"))
    try:
        url = start_mongodb(stack, state, free_port())
        return asyncio.run(bench(url, args.small, args.large, args.runs))
    finally:
        stack.stop()


def rows(figures: dict[str, float]) -> list[Row]:
    ratio = figures["large page"] / figures["small page"]
    return [Row("users page, large ÷ small organisation", f"{ratio:.1f}×", "(figure)", True, ratio)]


def main() -> None:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--small", type=int, default=20)
    parsed.add_argument("--large", type=int, default=5000)
    parsed.add_argument("--runs", type=int, default=20)
    args = parsed.parse_args()
    figures = run(args)
    for name, ms in figures.items():
        print(f"{name:<16} {ms:7.1f} ms (median of {args.runs})")
    print(
        f"ratio large ÷ small  page {figures['large page'] / figures['small page']:.1f}×, "
        f"by role {figures['large by role'] / figures['small by role']:.1f}× ({args.large:,} vs {args.small:,} people)"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
