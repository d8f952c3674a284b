"""What operators do to the identity service by hand: create agents, import SIRENE, sweep, find an agent.

Each function composes the service's own adapters from the service's environment, does one
thing and closes what it opened; `efp-ops` calls them (it parses, prints and sets the exit code).
Messages a function causes are left in the documents' outbox: the running service's relay
publishes them at its next poll.
"""

import contextlib
import io
import zipfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from pydantic import AliasChoices, Field

from contracts.accounts import AccountProfileV1
from efp_runtime.broker import create_broker
from efp_runtime.clock import clock_from, system_clock
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.settings import RuntimeSettings
from identity import bootstrap
from identity.adapters import mongo_account_repository, mongo_organisation_directory
from identity.adapters.argon2_password_hasher import Argon2PasswordHasher
from identity.adapters.common_password_list import CommonPasswordList
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.adapters.mongo_organisation_directory import MongoOrganisationDirectory
from identity.adapters.sirene_stock_reader import StockFormatError, read_etablissements, read_unites_legales
from identity.composition import Oidc
from identity.config import IdentitySettings
from identity.domain.account import AGENT_SERVICES, AccountKind
from identity.domain.errors import IdentityError
from identity.domain.mailbox import normalise_email
from identity.domain.oidc import OidcClient
from identity.use_cases.accounts.create_agent import CreateAgent, NewAgent
from identity.use_cases.oidc.manage_clients import NewOidcClient
from identity.use_cases.organisations.import_sirene import BATCH_SIZE, ImportSirene, SireneStock

# What efp-ops may use: these functions, their constants, and the two refusals they raise.
__all__ = [
    "AGENT_SERVICES",
    "BATCH_SIZE",
    "IdentityError",
    "StockFormatError",
    "add_oidc_client",
    "create_agent",
    "disable_oidc_client",
    "find_agent",
    "import_sirene",
    "list_oidc_clients",
    "open_stock",
    "rotate_oidc_client_secret",
    "rotate_signing_keys",
    "sweep",
]


class DatabaseSettings(RuntimeSettings):
    """Only the database: IdentitySettings would also demand the HMAC key, which these functions never use."""

    database: str = Field("identity", validation_alias=AliasChoices("IDENTITY_DATABASE"))


async def create_agent(
    email: str,
    password: str,
    last_name: str,
    first_name: str,
    service: str,
    region: str | None = None,
    civility: str | None = None,
) -> AccountProfileV1:
    """The new agent's profile; raises IdentityError (weak password, taken address…) with a stable code."""
    settings = DatabaseSettings()
    mongo = create_mongo_client(settings.mongodb_url)
    try:
        database = mongo[settings.database]
        await ensure_indexes(database, mongo_account_repository.INDEXES)
        accounts = MongoAccountRepository(database[mongo_account_repository.COLLECTION], relay=None)
        create = CreateAgent(accounts, Argon2PasswordHasher(), CommonPasswordList(), system_clock)
        agent = NewAgent(
            email=email,
            password=password,
            last_name=last_name,
            first_name=first_name,
            agent_service=service,
            region=region,
            civility=civility,
        )
        return await create(agent, MessageContext.fresh())
    finally:
        await mongo.close()


async def find_agent(email: str) -> str | None:
    """The account id of the agent with this address, or None (no account, or not an agent's)."""
    settings = DatabaseSettings()
    mongo = create_mongo_client(settings.mongodb_url)
    try:
        accounts = MongoAccountRepository(mongo[settings.database][mongo_account_repository.COLLECTION], relay=None)
        account = await accounts.by_email(normalise_email(email))
    finally:
        await mongo.close()
    return account.id if account is not None and account.kind is AccountKind.AGENT else None


async def import_sirene(unites_legales: Path, etablissements: Path, batch_size: int = BATCH_SIZE) -> dict[str, Any]:
    """Counts read/written/changed/skipped per file. Raises OSError, UnicodeDecodeError, BadZipFile,
    StockFormatError (unreadable file), PyMongoError (database).

    Both files are streamed in batches of upserts: memory stays flat whatever their size, and importing
    the same files again changes nothing."""
    settings = DatabaseSettings()
    with open_stock(unites_legales) as organisation_lines, open_stock(etablissements) as establishment_lines:
        # Both headers are checked here, before the database is touched; rows are read as imported.
        organisations = read_unites_legales(organisation_lines)
        establishments = read_etablissements(establishment_lines)
        mongo = create_mongo_client(settings.mongodb_url)
        try:
            database = mongo[settings.database]
            await ensure_indexes(database, mongo_organisation_directory.INDEXES)
            directory = MongoOrganisationDirectory(
                database[mongo_organisation_directory.ORGANISATIONS],
                database[mongo_organisation_directory.ESTABLISHMENTS],
            )
            report = await ImportSirene(directory)(SireneStock(organisations, establishments, batch_size))
        finally:
            await mongo.close()
    return asdict(report)


@contextlib.contextmanager
def open_stock(path: Path) -> Iterator[IO[str]]:
    """The CSV (UTF-8, with or without BOM) as text, read lazily; a .zip must hold exactly one .csv (as
    INSEE publishes them)."""
    if path.suffix.lower() != ".zip":
        with path.open(encoding="utf-8-sig", newline="") as text:
            yield text
        return
    with zipfile.ZipFile(path) as archive:
        members = [name for name in archive.namelist() if name.lower().endswith(".csv")]
        if len(members) != 1:
            raise StockFormatError(f"l'archive doit contenir un seul fichier .csv, elle en contient {len(members)}")
        with archive.open(members[0]) as raw:
            yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


async def sweep() -> dict[str, int]:
    """One pass of the service's sweeps (idle registrations expire, expired e-mail changes go, unfinished
    erasures, inactive accounts), wired exactly as the service wires them."""
    settings = IdentitySettings()
    # Never connected: the relay is only kicked, and the running service's relay publishes at its next poll.
    broker = create_broker(settings, "identity-operator")
    # Honours the test clock like the habilitation sweeper does (refused in production, see efp_runtime.clock).
    adapters, identity = bootstrap.build(settings, broker, clock_from(settings.test_clock_file, settings.environment))
    try:
        # The inactive accounts' sweep asks habilitation (RPC) before any deletion.
        for connect in adapters.connect:
            await connect()
        return {
            "registrations": await identity.abandon_idle_registrations(),
            "email_changes": await identity.my_data.forget_expired_email_changes(),
            "account_erasures": await identity.privacy.finish_erasures(),
            "inactive_accounts": await identity.privacy.sweep_inactive_accounts(),
        }
    finally:
        for close in adapters.close:
            await close()


@contextlib.asynccontextmanager
async def _provider() -> AsyncIterator[Oidc]:
    """The OpenID Connect provider's use cases, wired as the service wires them."""
    settings = IdentitySettings()
    adapters, identity = bootstrap.build(settings, create_broker(settings, "identity-operator"))
    try:
        yield identity.oidc
    finally:
        for close in adapters.close:
            await close()


def _client_line(client: OidcClient) -> dict[str, Any]:
    return {
        "client_id": client.id,
        "name": client.name,
        "service": client.service,
        "redirect_uris": list(client.redirect_uris),
        "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
        "backchannel_logout_uri": client.backchannel_logout_uri,
        "created_at": client.created_at.isoformat(),
        "disabled_at": client.disabled_at.isoformat() if client.disabled_at else None,
    }


async def add_oidc_client(
    name: str,
    service: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
    backchannel_logout_uri: str | None,
) -> dict[str, Any]:
    """The new relying party, with its secret: the only time it is shown (it is stored hashed)."""
    async with _provider() as oidc:
        client, secret = await oidc.clients.register(
            NewOidcClient(
                name=name,
                service=service,
                redirect_uris=redirect_uris,
                post_logout_redirect_uris=post_logout_redirect_uris,
                backchannel_logout_uri=backchannel_logout_uri,
            )
        )
    return {**_client_line(client), "client_secret": secret}


async def list_oidc_clients() -> list[dict[str, Any]]:
    async with _provider() as oidc:
        return [_client_line(client) for client in await oidc.clients.list()]


async def rotate_oidc_client_secret(client_id: str) -> dict[str, Any]:
    async with _provider() as oidc:
        client, secret = await oidc.clients.rotate_secret(client_id)
    return {**_client_line(client), "client_secret": secret}


async def disable_oidc_client(client_id: str) -> dict[str, Any]:
    async with _provider() as oidc:
        return _client_line(await oidc.clients.disable(client_id))


async def rotate_signing_keys() -> dict[str, Any]:
    """The keyring after the rotation: which key signs now, which are published (never a private key)."""
    async with _provider() as oidc:
        keyring = await oidc.rotate_signing_keys()
    now = system_clock()
    current = keyring.of_state("current")
    return {
        "signing_kid": current.kid if current else None,
        "published_kids": [key.kid for key in keyring.published(now)],
        "keys": [
            {"kid": key.kid, "state": key.state, "retire_at": key.retire_at.isoformat() if key.retire_at else None}
            for key in keyring.published(now)
        ],
    }
