"""`efp-ops show`: one access request, invitation or habilitation: its state, its fields and its whole history.

Read from the habilitation service's store by the service's own repositories: no request on the bus returns
the history (the wire views are what users may see, each limited to who asks).
"""

import argparse
from typing import Any

from efp_ops.verbs import Outcome, noun, refused, verb
from habilitation.entrypoints import operator as habilitation

ABOUT = {
    "access-request": "an access request: pending, accepted, refused or cancelled, and who did what when",
    "invitation": "an invitation: sent, accepted, revoked or expired, and who did what when",
    "habilitation": "a habilitation: active, revoked or expired, and who did what when",
}


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "show", "the state and full history of one aggregate of the habilitation service")
    for aggregate in habilitation.AGGREGATES:
        shown = verb(verbs, aggregate, ABOUT[aggregate], _show)
        shown.add_argument("id", metavar="ID", help=f"the {aggregate.replace('-', ' ')}'s id")
        shown.set_defaults(aggregate=aggregate)


async def _show(args: argparse.Namespace) -> Outcome:
    found: dict[str, Any] | None = await habilitation.show(args.aggregate, args.id)
    if found is None:
        return refused("not_found", aggregate=args.aggregate, id=args.id)
    return Outcome([found])
