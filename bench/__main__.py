"""Every benchmark in one command, then one table: each figure beside its goal.

Runs the benches one after the other, each on its own broker, store and services (started on free
ports in a temp dir and stopped before the next): sharing them would let one bench's data and warmed
processes skew the next one's figures. Each bench also prints its own detailed report as it ends.
Each goal is a ratio whose two sides are measured in the same run, side by side (a bench's own
report keeps its absolute figures), so that a slower or busier machine moves both sides alike.
Figures, not assertions: a missed goal is reported, and the exit status is 1 only if a bench failed
to run or saw wrong results (a lost or doubled message, a wrong answer).

    .venv/bin/python -m bench [--only login,emails] [--quick] [--json]

Names: login, authorizations, emails, request_to_email, bus_overhead, sweeper, web_pages, oidc_sign_in. `--quick`
runs smaller sizes (a smoke run; its figures are indicative only).
"""

import argparse
import contextlib
import importlib
import json
import signal
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

# The benches are scripts beside this file that import each other by plain name (`from http_load ...`).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoreboard import Row, table  # found through the path above

# Bench → (its rows' figure and goal, shown as they are when it does not run; its arguments for --quick).
BENCHES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "login": (
        [("login: identity CPU ÷ one argon2id verification", "≤ 1.3")],
        ["--logins", "80", "--concurrency", "8", "--accounts", "4"],
    ),
    "authorizations": (
        [("authorization checks/s: gateway ÷ bare FastAPI", "≥ 0.8")],
        ["--seconds", "3", "--preload", "2000", "--holders", "2"],
    ),
    "emails": ([("e-mails/s: service ÷ bare aiosmtplib", "≥ 0.5")], ["--emails", "600", "--warm-up", "50"]),
    "request_to_email": (
        [("access request → e-mail, system CPU per request at 50/s", "≤ 25 ms")],
        ["--seconds", "4", "--collaborators", "15"],
    ),
    "bus_overhead": ([("bus overhead ratio (service ÷ raw)", "≥ 0.5")], ["--events", "1000"]),
    "sweeper": ([("sweep ÷ trivial update, per document", "≤ 1.2")], ["--overdue", "10000", "--fresh", "500"]),
    "web_pages": (
        [
            ("web's own time per page p99", "≤ 15 ms"),
            ("login page weight (compressed)", "≤ 300 KB"),
            ("pages/s on a journey mix", "(figure)"),
        ],
        ["--seconds", "5", "--people", "2", "--concurrency", "4"],
    ),
    "oidc_sign_in": (
        [("OIDC code exchanges/s (identity CPU)", "(figure)"), ("sign-in CPU ÷ plain login CPU", "≤ 1.5×")],
        ["--sign-ins", "30", "--exchanges", "100", "--concurrency", "4", "--accounts", "2"],
    ),
    "growth": (
        [
            (f"growth: {operation} (CPU, largest ÷ smallest)", "≤ 1.5×")
            for operation in (
                "authorization check",
                "login",
                "users page",
                "access requests page (pending)",
                "invitations page (sent)",
                "GET /me of a manager",
            )
        ],
        ["--habilitations", "1000,5000", "--users", "100,1000", "--seconds", "1", "--idle-seconds", "2"],
    ),
}


def measure(name: str, quick: bool) -> tuple[list[Row], bool]:
    """One bench's rows, and whether it ran without failing."""
    module: Any = importlib.import_module(name)
    args = module.parser().parse_args(BENCHES[name][1] if quick else [])
    print(f"\n=== {name} {' '.join(BENCHES[name][1]) if quick else ''}", flush=True)
    started = time.perf_counter()
    try:
        result = module.run(args)
        module.report(result)
        rows: list[Row] = module.rows(result)
    except Exception as error:
        traceback.print_exc()
        failed = f"failed: {type(error).__name__}"
        return [Row(figure, failed, goal, None) for figure, goal in BENCHES[name][0]], False
    print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)
    return rows, all(row.met is not None for row in rows) and getattr(result, "ok", True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated bench names (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a smoke run")
    parser.add_argument("--json", action="store_true", help="print the table as JSON instead")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(BENCHES)
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    # A `kill` still stops the processes the running bench started (their `finally`).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    rows, ok = [], True
    for name in BENCHES:
        if name in names:
            # With --json the benches' own reports go to stderr: stdout carries the JSON alone.
            with contextlib.redirect_stdout(sys.stderr if args.json else sys.stdout):
                measured, ran = measure(name, args.quick)
            rows += measured
            ok &= ran
        else:
            rows += [Row(figure, "not run", goal, None) for figure, goal in BENCHES[name][0]]
    if args.json:
        print(json.dumps([asdict(row) for row in rows], ensure_ascii=False, indent=2))
    else:
        print(f"\n{'quick run: indicative sizes only' if args.quick else 'benchmarks'}")
        print(table(rows))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
