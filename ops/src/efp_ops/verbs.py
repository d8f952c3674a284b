"""The shape of every command: a verb under a noun, with --help and --format, that returns an Outcome."""

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from efp_ops.output import FORMATS


@dataclass
class Outcome:
    """The lines to print (JSON objects) and whether everything asked for was done (exit 0, else 1)."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    ok: bool = True
    # Exit code 2, as argparse gives: what was asked cannot even be tried (a missing file…).
    bad_arguments: bool = False


Run = Callable[[argparse.Namespace], Awaitable[Outcome]]


def refused(error: str, **details: Any) -> Outcome:
    """A request the service turned down, or a thing that does not exist: one line, exit code 1."""
    return Outcome([{"error": error, **details}], ok=False)


def invalid(error: str, **details: Any) -> Outcome:
    """Arguments found wrong after parsing (a file that is not there): one line, exit code 2."""
    return Outcome([{"error": error, **details}], ok=False, bad_arguments=True)


def options() -> argparse.ArgumentParser:
    """Options every verb takes, wherever they are written on the line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--format", choices=FORMATS, default="json", help="json: one object per line (default); table: for people"
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log progress on stderr (INFO instead of WARNING)")
    return common


def noun(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]", name: str, about: str) -> Any:
    parser = nouns.add_parser(name, help=about, description=about)
    return parser.add_subparsers(dest="verb", required=True, metavar="VERB")


def verb(
    verbs: "argparse._SubParsersAction[argparse.ArgumentParser]",
    name: str,
    about: str,
    run: Run,
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    parser = verbs.add_parser(
        name,
        help=about,
        description=about,
        epilog=epilog,
        parents=[options()],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(run=run)
    return parser
