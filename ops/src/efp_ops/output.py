"""How results reach stdout: JSON lines (the default, for scripts) or an aligned text table (for people)."""

import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TextIO

FORMATS = ("json", "table")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list | tuple | bool | int | float):
        return to_json(value)
    return str(_plain(value))


def render(lines: Sequence[dict[str, Any]], fmt: str, out: TextIO) -> None:
    """JSON: one object per line. Table: one object as field/value rows; several as columns."""
    if fmt == "json":
        for line in lines:
            print(to_json(line), file=out, flush=True)
        return
    if not lines:
        return
    if len(lines) == 1:
        rows = [[name, _cell(value)] for name, value in lines[0].items()]
        _table(["field", "value"], rows, out)
        return
    columns: list[str] = []
    for line in lines:
        columns += [name for name in line if name not in columns]
    _table(columns, [[_cell(line.get(name)) for name in columns] for line in lines], out)


def _table(header: list[str], rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
    for row in [header, ["-" * width for width in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
    out.flush()
