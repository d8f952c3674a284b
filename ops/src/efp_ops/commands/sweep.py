"""`efp-ops sweep once`: one pass of every sweeper (habilitation's, identity's), wired as the services wire them.

The services sweep by themselves every few seconds; this is for an operator who wants it done now (after a
service was down, or to check). Their writes are state-guarded, so running it beside them does each thing once.
"""

import argparse
import logging
from typing import Any

from efp_ops.verbs import Outcome, noun, verb
from habilitation.entrypoints import operator as habilitation
from identity.entrypoints import operator as identity

logger = logging.getLogger(__name__)


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "sweep", "the services' periodic clean-ups (expiries)")
    verb(verbs, "once", "one pass of each sweep now; prints how many things each one changed", _once)


async def _once(args: argparse.Namespace) -> Outcome:
    line: dict[str, Any] = {}
    failed: list[str] = []
    done, failed_sweeps = await habilitation.sweep()
    line["habilitation"] = done
    failed += [f"habilitation.{name}" for name in failed_sweeps]
    try:
        line["identity"] = await identity.sweep()
    except Exception:
        # The habilitation sweeps ran: report them, and this one as failed (the log says why).
        logger.exception("identity sweep failed")
        failed.append("identity.registrations")
    line["failed"] = failed
    return Outcome([line], ok=not failed)
