"""`efp-ops agents create`: the account of a ministry agent (DGEFP, DREETS…), by the identity service's own code."""

import argparse
import getpass
import logging
import sys
from typing import Any

from efp_ops.verbs import Outcome, noun, refused, verb
from identity.entrypoints import operator as identity

logger = logging.getLogger(__name__)
EPILOG = """The password is read from standard input (one line), or asked for on a terminal; never from the
command line, where other users of the machine could read it. Prints the new account's profile. The
account-created event is published by the running identity service (its outbox relay polls).

  efp-ops agents create --email lea.berard@dreets.gouv.fr --last-name Bérard --first-name Léa \\
      --service DREETS --region "Île-de-France" < password-file"""


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "agents", "ministry agents' accounts")
    create = verb(verbs, "create", "create an agent's account (password on stdin)", _create, EPILOG)
    create.add_argument("--email", required=True, help="the agent's address, their login")
    create.add_argument("--last-name", required=True)
    create.add_argument("--first-name", required=True)
    create.add_argument("--service", required=True, choices=identity.AGENT_SERVICES, help="the agent's service")
    create.add_argument("--region", default=None, help="the region of a regional service")
    create.add_argument("--civility", choices=("madame", "monsieur"), default=None)


def _password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Agent's password: ")
    return sys.stdin.readline().rstrip("\n")


async def _create(args: argparse.Namespace) -> Outcome:
    password = _password()
    try:
        profile = await identity.create_agent(
            args.email, password, args.last_name, args.first_name, args.service, args.region, args.civility
        )
    except identity.IdentityError as refusal:
        # The service's French explanation goes to the log; the line keeps the stable code and the fields.
        logger.warning("refused (%s): %s", refusal.code, "; ".join(m for _, m in refusal.errors) or refusal.detail)
        return refused(refusal.code, fields=list(dict.fromkeys(name for name, _ in refusal.errors)))
    line: dict[str, Any] = profile.model_dump(mode="json")
    return Outcome([line])
