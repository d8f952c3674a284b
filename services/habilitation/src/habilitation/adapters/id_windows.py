"""Windows of string `_id`s bounded at both ends, sized from the ids' leading hex digits.

Why: on SecantusDB a range open at one end walks its index to the end whatever the limit, and decodes
every document it meets, so reading a page after `after_id` cost the rest of the collection. A range
bounded at both ends on the `{state, _id}` index reads only its window. Habilitation ids are uuids
(uuid4 or uuid5, with or without dashes): their first 8 hex digits spread evenly over 2^32, so a window
of `span` positions there holds about `span × density` ids, and the density is learnt from each window.

Correctness does not rest on that: consecutive windows are `(lower, upper]` with the next `lower` the
previous `upper`, so they cover every string exactly once, in order, whatever the ids look like. An id
without a hex prefix only makes windows worse sized (a step to the next hex boundary, or one window open
to the end): slower, never wrong.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

HEX = "0123456789abcdef"
DIGITS = 8  # of the prefix: 32 bits, ample to split 10^5..10^7 uuids into pages
SPACE = 16**DIGITS
# The density learnt is blended with the last one as if it were this many ids: a small window's count
# is noisy (a window meant for 50 ids may hold 35), one of thousands is not.
PRIOR_IDS = 100

T = TypeVar("T")


def position(an_id: str | None) -> int | None:
    """Where `an_id` sits in the prefix space: its first 8 hex digits; 0 before the first id; None if not hex."""
    if an_id is None:
        return 0
    head = an_id[:DIGITS]
    if len(head) < DIGITS or any(c not in HEX for c in head):
        return None
    return int(head, 16)


def next_boundary(lower: str) -> str | None:
    """Some 8-hex-digit string above `lower` (which has no hex prefix), so windows get back to hex steps;
    None if every such string is below `lower` (it sorts after all the hex ids: read to the end)."""
    valid = 0
    while valid < min(len(lower), DIGITS) and lower[valid] in HEX:
        valid += 1
    if valid == len(lower):  # a short hex string: its extension with zeros is above it
        return lower + "0" * (DIGITS - valid)
    for at in range(valid, -1, -1):  # the first non-hex character, else carry leftwards
        above = [digit for digit in HEX if digit > lower[at]]
        if above:
            return lower[:at] + above[0] + "0" * (DIGITS - at - 1)
    return None


@dataclass(frozen=True)
class Window:
    lower: str | None  # exclusive; None: from the first id
    upper: str | None  # inclusive; None: to the last id
    start: int | None  # `lower`'s position when the window is a hex step (its yield teaches the density)

    @property
    def bounds(self) -> dict[str, str]:
        """The `_id` clause: `{}` for the whole id space."""
        clause = {}
        if self.lower is not None:
            clause["$gt"] = self.lower
        if self.upper is not None:
            clause["$lte"] = self.upper
        return clause


class WindowSizer:
    """How wide the next window must be for `wanted` ids, from the density of the last windows."""

    def __init__(self, estimated_ids: int) -> None:
        # Ids per position. From a count of every state: an overestimate of the active ones, so the first
        # windows are narrow rather than too wide, then widen.
        self.density = max(estimated_ids, 1) / SPACE

    def window(self, lower: str | None, wanted: int) -> Window:
        start = position(lower)
        if start is None:
            assert lower is not None  # position(None) is 0
            return Window(lower, next_boundary(lower), None)
        end = start + max(1, round(wanted / self.density))
        return Window(lower, f"{end:0{DIGITS}x}" if end < SPACE else None, start)

    def observe(self, window: Window, found: int, last_id: str | None, truncated: bool) -> None:
        """Learn from what `window` held: `found` ids; when `truncated` (the read's limit was reached),
        they fill the window only up to `last_id`, which is the span that counts."""
        if window.start is None:
            return
        end = position(last_id) if truncated else None
        if end is None:
            end = position(window.upper) if window.upper is not None else SPACE
        assert end is not None  # an upper bound of a hex step is hex
        span = max(1, end - window.start)
        self.density = (found + PRIOR_IDS) / (span + PRIOR_IDS / self.density)


async def read_page(
    sizer: WindowSizer,
    after_id: str | None,
    limit: int,
    read: Callable[[dict[str, str], int], Awaitable[list[T]]],
    id_of: Callable[[T], str],
) -> list[T]:
    """Up to `limit` items with an id above `after_id`, in id order: window after window, each read by
    `read(bounds, at_most)` (in id order), until `limit` or the window that reaches the last id."""
    found: list[T] = []
    lower = after_id
    while len(found) < limit:
        wanted = limit - len(found)
        window = sizer.window(lower, wanted)
        held = await read(window.bounds, wanted)
        sizer.observe(window, len(held), id_of(held[-1]) if held else None, truncated=len(held) == wanted)
        found.extend(held)
        if window.upper is None:
            break
        lower = window.upper
    return found
