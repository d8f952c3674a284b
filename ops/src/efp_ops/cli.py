"""The `efp-ops` entry point: the argument tree (noun, then verb), the run, the output and the exit code.

Exit codes: 0 done; 1 something asked for was not done (its line has an "error"), or a service, the
broker or the database could not be reached; 2 bad arguments. Results go to stdout, logs to stderr.
"""

import argparse
import asyncio
import sys

from aio_pika.exceptions import AMQPError
from pydantic import ValidationError
from pymongo.errors import PyMongoError

from efp_ops.commands import activation_codes, agents, dead_letters, emails, oidc, show, sirene, sweep
from efp_ops.output import render
from efp_ops.settings import OpsSettings
from efp_ops.verbs import Outcome
from efp_runtime.rpc import RpcUnavailable
from efp_runtime.structured_logging import configure_logging

DONE, FAILED, BAD_ARGUMENTS = 0, 1, 2
NOUNS = (agents, activation_codes, dead_letters, emails, sirene, show, sweep, oidc)
# The services, the broker or the database away: nothing was done, the operator may try again.
UNREACHABLE = (RpcUnavailable, AMQPError, PyMongoError, ConnectionError, TimeoutError)
EPILOG = """Every command takes --help. Settings come from the environment, the same variables the services
read (AMQP_URL, MONGODB_URL, <SERVICE>_DATABASE, HABILITATION_SECRET_KEY, IDENTITY_SECRET_KEY…), plus
EFP_OPERATOR_AMQP_URL (the operators' broker account; default AMQP_URL) and EFP_OPERATOR_AGENT_EMAIL."""


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="efp-ops",
        description=(
            "Operate EFP Connect: agents, activation codes, dead letters, e-mails, SIRENE, history, sweeps, "
            "single sign-on clients and keys."
        ),
        epilog=EPILOG,
    )
    nouns = root.add_subparsers(dest="noun", required=True, metavar="NOUN")
    for module in NOUNS:
        module.register(nouns)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = OpsSettings()
    except ValidationError as error:
        print(f"efp-ops: invalid settings: {error}", file=sys.stderr)
        return BAD_ARGUMENTS
    configure_logging("efp-ops", "INFO" if args.verbose else "WARNING", settings.log_format)
    try:
        outcome: Outcome = asyncio.run(args.run(args))
    except ValidationError as error:
        # A service's settings missing from the environment, or a value the wire refuses (a SIRET too long).
        outcome = Outcome([{"error": "invalid", "detail": _first_error(error)}], ok=False, bad_arguments=True)
    except UNREACHABLE as error:
        outcome = Outcome([{"error": "unavailable", "detail": f"{type(error).__name__}: {error}"}], ok=False)
    render(outcome.lines, args.format, sys.stdout)
    if outcome.bad_arguments:
        return BAD_ARGUMENTS
    return DONE if outcome.ok else FAILED


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{error.title}: {where}: {first.get('msg')}"


def run() -> None:
    sys.exit(main())
