"""One line of the benchmarks' table: a figure, what was measured, its goal and whether it is met."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    figure: str
    measured: str  # formatted with its unit: "23.4 logins/s"
    goal: str  # "≥ 20 logins/s"
    met: bool | None  # None: not measured (the bench failed or was not run)
    value: float | None = None  # the number behind `measured`, for --json


def table(rows: list[Row]) -> str:
    header = ("figure", "measured", "goal", "met?")
    lines = [(r.figure, r.measured, r.goal, {True: "yes", False: "NO", None: "-"}[r.met]) for r in rows]
    widths = [max(len(cells[i]) for cells in [header, *lines]) for i in range(4)]
    rule = "  ".join("-" * width for width in widths)
    body = ["  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) for cells in lines]
    return "\n".join(
        line.rstrip() for line in ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), rule, *body]
    )
