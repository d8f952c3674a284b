"""The growth bench's data, written straight into the services' collections in bulk.

Through the API 100,000 habilitations would take hours; so every aggregate is built by its domain's
own factory (`Habilitation.grant`, `AccessRequest.submit`, `Invitation.send`, `Account.open`) and given
to its repository's own `add`, over a store whose collection only collects what `add` would insert
(`Collected`): the documents are exactly the repository's, then go in with one `insert_many` a batch.
Two documents have no aggregate: habilitation's copy of an account (what `MongoAccountCopies.save`
sets) and its organisations' users listing (what `MongoOrganisationUsers.refresh` writes); the bench
checks those against `refresh` itself (`check_listing`).

Two organisations of the SIRENE sample (the directory knows their names) get `members` people each:
an identity account (one password, hashed once), habilitation's copy, the listing entry, one pending
access request and one sent invitation per member, and a habilitation for one member in twenty. The
rest of the habilitations, and a tenth as many access requests and invitations, belong to made-up
organisations and accounts: they grow the collections, not the two organisations.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import ensure_indexes
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_account_copies,
    mongo_habilitation_repository,
    mongo_invitation_repository,
    mongo_organisation_users,
)
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.adapters.mongo_organisation_users import FOREVER, MongoOrganisationUsers
from habilitation.domain.access_request import AccessRequest
from habilitation.domain.habilitation import Habilitation, Via
from habilitation.domain.invitation import Invitation, InvitedGrant, hash_token, new_token
from habilitation.domain.name_search import name_key, search_words
from habilitation.use_cases.ports import AccountCopy
from identity.adapters import mongo_account_repository
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.domain.account import Account, AccountKind

SERVICE, ROLE = "ceres", "centre_agree"
BATCH = 2_000
HOLDS_ONE_IN = 20  # members holding a habilitation on their organisation
OTHERS_PER_HABILITATION = 10  # one access request and one invitation elsewhere per ten habilitations


@dataclass(frozen=True)
class Organisation:
    siren: str
    sirets: tuple[str, ...]
    members: int

    def email(self, n: int) -> str:
        return f"membre.{n}.{self.siren}@centre-formation.fr"

    @property
    def holders(self) -> int:
        return len(range(0, self.members, HOLDS_ONE_IN))


class Collected:
    """Stands for a collection under a repository: keeps what `insert_one` is given, to insert in bulk."""

    def __init__(self) -> None:
        self.documents: list[dict[str, Any]] = []

    async def insert_one(self, document: dict[str, Any]) -> None:
        self.documents.append(document)

    def store(self) -> AggregateStore:
        return AggregateStore(cast("AsyncCollection[dict[str, Any]]", self), None)


async def write(collection: AsyncCollection[dict[str, Any]], documents: list[dict[str, Any]]) -> None:
    for start in range(0, len(documents), BATCH):
        await collection.insert_many(documents[start : start + BATCH], ordered=False)


class Seeder:
    def __init__(self, identity: AsyncDatabase[dict[str, Any]], habilitation: AsyncDatabase[dict[str, Any]]) -> None:
        self.rebind(identity, habilitation)
        self.now = datetime.now(UTC)
        self.habilitations = 0
        self.held: list[tuple[str, str, str, str]] = []  # (account, service, role, siret) of every habilitation

    def rebind(self, identity: AsyncDatabase[dict[str, Any]], habilitation: AsyncDatabase[dict[str, Any]]) -> None:
        """The databases through a new client (a client serves the event loop it was made in)."""
        self._identity, self._habilitation = identity, habilitation

    async def indexes(self) -> None:
        """The services' own indexes first: the unique ones refuse what the services would refuse."""
        await ensure_indexes(self._identity, mongo_account_repository.INDEXES)
        for module in (
            mongo_account_copies,
            mongo_organisation_users,
            mongo_habilitation_repository,
            mongo_access_request_repository,
            mongo_invitation_repository,
        ):
            await ensure_indexes(self._habilitation, module.INDEXES)

    async def members(self, organisation: Organisation, password_hash: str) -> None:
        accounts, habilitations, requests, invitations = Collected(), Collected(), Collected(), Collected()
        account_repository = MongoAccountRepository(cast("AsyncCollection[dict[str, Any]]", accounts), None)
        copies, listing = [], []
        for n in range(organisation.members):
            account = Account.open(
                id=f"{organisation.siren}-{n}",
                email=organisation.email(n),
                kind=AccountKind.USER,
                password_hash=password_hash,
                civility="madame",
                last_name=f"Nom{n:06d}",
                first_name=f"Prénom{n % 97:02d}",
                created_at=self.now,
                siren=organisation.siren,
            )
            await account_repository.add(account, [])
            copy = AccountCopy(
                account.id, account.email, "user", "madame", account.last_name, account.first_name,
                siren=organisation.siren, profile_at=self.now, email_at=self.now,
            )  # fmt: skip
            fields = asdict(copy)
            copies.append({"_id": fields.pop("account_id"), **fields})
            held = []
            if n % HOLDS_ONE_IN == 0:
                held.append(await self._grant(habilitations, account.id, organisation.sirets[0]))
            listing.append(listed(copy, organisation.siren, held))
            at = self.now - timedelta(seconds=n)
            siret = organisation.sirets[n % len(organisation.sirets)]
            await self._request(requests, account.id, organisation.siren, siret, at)
            await self._invite(invitations, f"invite.{n}.{organisation.siren}@centre-formation.fr", organisation, at)
        await write(self._identity[mongo_account_repository.COLLECTION], accounts.documents)
        await write(self._habilitation[mongo_account_copies.COLLECTION], copies)
        await write(self._habilitation[mongo_organisation_users.COLLECTION], listing)
        await self._write_aggregates(habilitations, requests, invitations)

    async def others(self, total: int) -> None:
        """Habilitations of made-up people and organisations up to `total`, with their share of requests
        and invitations."""
        habilitations, requests, invitations = Collected(), Collected(), Collected()
        for n in range(self.habilitations, total):
            siret = f"{100000000 + n % 5000}{n % 7:05d}"
            await self._grant(habilitations, str(uuid.uuid4()), siret)
            if n % OTHERS_PER_HABILITATION == 0:
                at = self.now - timedelta(seconds=n % 50_000)
                await self._request(requests, str(uuid.uuid4()), siret[:9], siret, at)
                elsewhere = Organisation(siret[:9], (siret,), 0)
                await self._invite(invitations, f"invite.{n}@ailleurs-{n % 5000}.fr", elsewhere, at)
        await self._write_aggregates(habilitations, requests, invitations)

    async def check_listing(self, organisation: Organisation, sample: int = 5) -> None:
        """What `refresh` writes for a few members is what was seeded: the bench lists what the service would."""
        collection = self._habilitation[mongo_organisation_users.COLLECTION]
        listing = MongoOrganisationUsers(
            collection, self._habilitation[mongo_account_copies.COLLECTION], self._habilitation["habilitations"]
        )
        for n in range(0, organisation.members, max(1, organisation.members // sample)):
            key = {"_id": f"{organisation.siren}:{organisation.siren}-{n}"}
            seeded = await collection.find_one(key)
            await listing.refresh(f"{organisation.siren}-{n}")
            if await collection.find_one(key) != seeded:
                raise AssertionError(f"the seeded listing of member {n} differs from what refresh writes")

    async def _grant(self, collected: Collected, account_id: str, siret: str) -> dict[str, str]:
        habilitation = Habilitation.grant(
            id=str(uuid.uuid4()), account_id=account_id, service=SERVICE, role=ROLE, siret=siret,
            siren=siret[:9], end_date=None, granted_by="bench", granted_at=self.now, via=Via.MANAGER,
        )  # fmt: skip
        await MongoHabilitationRepository(collected.store()).add(habilitation, [])
        self.habilitations += 1
        self.held.append((account_id, SERVICE, ROLE, siret))
        return {"role": ROLE, "siret": siret, "until": FOREVER}

    async def _request(self, collected: Collected, account_id: str, siren: str, siret: str, at: datetime) -> None:
        request = AccessRequest.submit(
            id=str(uuid.uuid4()), account_id=account_id, service=SERVICE, siren=siren, siret=siret,
            message=None, created_at=at, last_sent_at=at, organisation_name="Banc d'essai",
        )  # fmt: skip
        await MongoAccessRequestRepository(collected.store()).add(request, [])

    async def _invite(self, collected: Collected, email: str, organisation: Organisation, at: datetime) -> None:
        invitation_id = str(uuid.uuid4())
        invitation = Invitation.send(
            at, hash_token(new_token(invitation_id)), id=invitation_id, email=email, account_id=str(uuid.uuid4()),
            first_name="Camille", last_name=f"Invitée {email[:12]}", siren=organisation.siren,
            grants=(InvitedGrant(SERVICE, ROLE, organisation.sirets[0]),), invited_by="bench",
            has_account=False, organisation_name="Banc d'essai",
        )  # fmt: skip
        await MongoInvitationRepository(collected.store()).add(invitation, [])

    async def _write_aggregates(self, habilitations: Collected, requests: Collected, invitations: Collected) -> None:
        await write(self._habilitation[mongo_habilitation_repository.COLLECTION], habilitations.documents)
        await write(self._habilitation[mongo_access_request_repository.COLLECTION], requests.documents)
        await write(self._habilitation[mongo_invitation_repository.COLLECTION], invitations.documents)


def listed(copy: AccountCopy, siren: str, held: list[dict[str, str]]) -> dict[str, Any]:
    """The listing entry of a member of their own organisation, as `MongoOrganisationUsers.refresh` writes it."""
    email = name_key(copy.email)
    return {
        "_id": f"{siren}:{copy.account_id}",
        "siren": siren,
        "account_id": copy.account_id,
        "last_key": name_key(copy.last_name),
        "first_key": name_key(copy.first_name),
        "words": [*search_words(copy.last_name, copy.first_name), email],
        "held": held,
        "listed_until": FOREVER,
    }
