"""Operator command: create the account of a ministry agent (DGEFP, DREETS…).

    python -m identity.entrypoints.create_agent --email prenom.nom@travail.gouv.fr \
        --last-name Nom --first-name Prénom --service DREETS --region "Île-de-France" < password-file

The password is read from standard input (or asked for on a terminal), never from the
command line where other users could see it. Prints the account as one JSON line. The
account-created event is published by the running identity service's outbox relay.
"""

import argparse
import asyncio
import getpass
import json
import sys
from datetime import UTC, datetime

from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from identity.adapters import mongo_account_repository
from identity.adapters.argon2_password_hasher import Argon2PasswordHasher
from identity.adapters.common_password_list import CommonPasswordList
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.domain.account import AGENT_SERVICES
from identity.domain.errors import IdentityError
from identity.entrypoints.import_sirene import ImportSettings
from identity.use_cases.create_agent import CreateAgent


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
        return getpass.getpass("Mot de passe de l'agent : ")
    return sys.stdin.readline().rstrip("\n")


async def _create(args: argparse.Namespace, password: str) -> int:
    settings = ImportSettings()
    mongo = create_mongo_client(settings.mongodb_url)
    try:
        database = mongo[settings.database]
        await ensure_indexes(database, mongo_account_repository.INDEXES)
        accounts = MongoAccountRepository(database[mongo_account_repository.COLLECTION], relay=None)
        create = CreateAgent(accounts, Argon2PasswordHasher(), CommonPasswordList(), _now)
        try:
            profile = await create(
                args.email,
                password,
                args.last_name,
                args.first_name,
                args.service,
                args.region,
                MessageContext.fresh(),
                civility=args.civility,
            )
        except IdentityError as refused:
            details = "; ".join(message for _, message in refused.errors) or refused.detail
            print(json.dumps({"error": refused.code, "detail": details}, ensure_ascii=False), file=sys.stderr)
            return 1
        print(profile.model_dump_json())
        return 0
    finally:
        await mongo.close()


def _now() -> datetime:
    return datetime.now(UTC)


def main() -> None:
    args = _arguments()
    sys.exit(asyncio.run(_create(args, _password())))


if __name__ == "__main__":
    main()
