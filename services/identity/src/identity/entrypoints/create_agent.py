"""Old entry point kept as an alias of `efp-ops agents create` (same work: identity.entrypoints.operator).

    python -m identity.entrypoints.create_agent --email prenom.nom@travail.gouv.fr \
        --last-name Nom --first-name Prénom --service DREETS --region "Île-de-France" < password-file

The password is read from standard input (or asked for on a terminal), never from the
command line where other users could see it. Prints the account as one JSON line; a refusal
is one JSON line on stderr and exit code 1. The account-created event is published by the
running identity service's outbox relay.
"""

import argparse
import asyncio
import getpass
import json
import sys

from identity.domain.account import AGENT_SERVICES
from identity.domain.errors import IdentityError
from identity.entrypoints import operator


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m identity.entrypoints.create_agent", description=__doc__)
    parser.add_argument("--email", required=True)
    parser.add_argument("--last-name", required=True)
    parser.add_argument("--first-name", required=True)
    parser.add_argument("--service", required=True, choices=AGENT_SERVICES)
    parser.add_argument("--region", default=None)
    parser.add_argument("--civility", choices=("madame", "monsieur"), default=None)
    return parser.parse_args()


def _password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Agent's password: ")
    return sys.stdin.readline().rstrip("\n")


def main() -> None:
    args = _arguments()
    password = _password()
    try:
        profile = asyncio.run(
            operator.create_agent(
                args.email, password, args.last_name, args.first_name, args.service, args.region, args.civility
            )
        )
    except IdentityError as refused:
        print(json.dumps({"error": refused.code, "fields": [f for f, _ in refused.errors]}), file=sys.stderr)
        sys.exit(1)
    print(profile.model_dump_json())


if __name__ == "__main__":
    main()
