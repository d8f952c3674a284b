"""The snapshot's `_id` windows: every id once, in order, whatever the ids; few windows for uuids."""

import bisect
import random
import uuid

import pytest

from habilitation.adapters.id_windows import SPACE, WindowSizer, next_boundary, position, read_page

ODD = [
    "", "-", "0", "00", "0000000", "00000000", "000000000", "0000000g", "0000000f-x", "00000001", "7fffffff",
    "9", "A", "ABCDEF01", "Z", "a", "abc", "abcdefgh", "ffffffff", "fffffffff", "ffffffffz", "g", "h-01",
    "zzz", "é", "\U0001f600",
]  # fmt: skip


class Store:
    """Ids in a sorted list, read as the store reads a window: `(lower, upper]`, in order, at most n."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = sorted(ids)
        self.reads = 0

    async def read(self, bounds: dict[str, str], limit: int) -> list[str]:
        self.reads += 1
        start = bisect.bisect_right(self.ids, bounds["$gt"]) if "$gt" in bounds else 0
        end = bisect.bisect_right(self.ids, bounds["$lte"]) if "$lte" in bounds else len(self.ids)
        return self.ids[start:end][:limit]


async def every_page(store: Store, sizer: WindowSizer, limit: int) -> list[list[str]]:
    pages, after_id = [], None
    while True:
        page = await read_page(sizer, after_id, limit, store.read, lambda an_id: an_id)
        pages.append(page)
        if len(page) < limit:
            return pages
        after_id = page[-1]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 100])
@pytest.mark.parametrize("estimate", [0, 5, 10**9])
async def test_odd_ids_each_come_once_in_order(limit: int, estimate: int) -> None:
    ids = ODD + [uuid.uuid4().hex for _ in range(20)] + [str(uuid.uuid4()) for _ in range(20)]
    store = Store(ids)

    pages = await every_page(store, WindowSizer(estimate), limit)

    assert [an_id for page in pages for an_id in page] == sorted(ids)
    assert all(len(page) == limit for page in pages[:-1])


@pytest.mark.parametrize("make", [lambda: str(uuid.uuid4()), lambda: uuid.uuid4().hex], ids=["dashed", "hex"])
async def test_uuids_take_few_windows_a_page(make: object) -> None:
    ids = [make() for _ in range(20_000)]  # type: ignore[operator]
    store = Store(ids)
    sizer = WindowSizer(60_000)  # every state counted: three times the active ones

    pages = await every_page(store, sizer, 1000)

    assert [an_id for page in pages for an_id in page] == sorted(ids)
    assert store.reads <= 3 * len(pages), store.reads
    assert sizer.density == pytest.approx(20_000 / SPACE, rel=0.3)


async def test_ids_all_on_one_prefix_still_come_once() -> None:
    ids = [f"00000000{n:024x}" for n in random.sample(range(10**6), 500)]
    store = Store(ids)

    pages = await every_page(store, WindowSizer(500), 50)

    assert [an_id for page in pages for an_id in page] == sorted(ids)


def test_a_position_is_the_first_eight_hex_digits() -> None:
    assert position(None) == 0
    assert position("0000000a-ffff") == 10
    assert position("ffffffff") == SPACE - 1
    assert position("0000000") is None
    assert position("0000000G") is None


@pytest.mark.parametrize("lower", [an_id for an_id in ODD if position(an_id) is None])
def test_the_next_boundary_is_above_and_hex_or_the_end(lower: str) -> None:
    boundary = next_boundary(lower)

    if boundary is None:
        assert lower > "ffffffff"
    else:
        assert boundary > lower
        assert position(boundary) is not None
