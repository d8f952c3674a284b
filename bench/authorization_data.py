"""The authorization bench's data: habilitations written straight into the store before the services start,
and habilitations granted and revoked through the gateway by a real manager (bench/authorizations.py)."""

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from http_load import Check  # bench/, beside this script
from journeys import log_in, sign_up
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database

from devstack.mail_recorder import MailRecorder
from habilitation.adapters import mongo_organisation_users as listing

AGENT = ("agent.banc@travail.gouv.fr", "Agent-Banc-Pa55word!")
API_KEY = f"bench-{uuid.uuid4().hex}"
SIREN, SIRETS = "000016220", ("00001622000014", "00001622000022", "00001622000030")
HABILITATION_DATABASE = "habilitation"


def preload(mongodb_url: str, count: int) -> list[tuple[str, str, str, str]]:
    """Active habilitations as the repository stores them, for made-up accounts; returns their keys."""
    now = datetime.now(UTC)
    keys, docs = [], []
    for n in range(count):
        account_id, siret = str(uuid.uuid4()), f"{100000000 + n % 5000}{n % 7:05d}"
        keys.append((account_id, "ceres", "centre_agree", siret))
        docs.append(
            {
                "_id": str(uuid.uuid4()),
                "account_id": account_id,
                "service": "ceres",
                "role": "centre_agree",
                "siret": siret,
                "siren": siret[:9],
                "end_date": None,
                "granted_by": "bench",
                "granted_at": now,
                "via": "manager",
                "state": "active",
                "history": [{"at": now, "trigger": "grant", "by": "bench", "why": None}],
                "version": 1,
                "outbox": [],
            }
        )
    # Their lines in the organisations' users listing, as the repository keeps it: else the service's
    # start-up rebuilds the whole listing, one person at a time (minutes for 20,000 on two cores).
    listed = [
        {
            "_id": f"{doc['siren']}:{doc['account_id']}",
            "siren": doc["siren"],
            "account_id": doc["account_id"],
            "last_key": "",
            "first_key": "",
            "words": [],
            "held": [{"role": doc["role"], "siret": doc["siret"], "until": listing.FOREVER}],
            "listed_until": listing.FOREVER,
        }
        for doc in docs
    ]
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_url) as client:
        database: Database[dict[str, Any]] = client[HABILITATION_DATABASE]
        collection: Collection[dict[str, Any]] = database["habilitations"]
        for start in range(0, len(docs), 2_000):
            collection.insert_many(docs[start : start + 2_000], ordered=False)
            database[listing.COLLECTION].insert_many(listed[start : start + 2_000], ordered=False)
    return keys


def allowed_now(http: httpx.Client, key: tuple[str, str, str, str]) -> bool:
    params = dict(zip(("account_id", "service", "role", "siret"), key, strict=True))
    response = http.get("/api/v1/authorizations/check", params=params, headers={"Authorization": f"Bearer {API_KEY}"})
    response.raise_for_status()
    return bool(response.json()["allowed"])


def seconds_until(condition: Callable[[], bool], timeout: float = 30) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the gateway's copy did not follow in 30 s")
        time.sleep(0.002)
    return time.perf_counter() - started


@dataclass
class Granted:
    keys: list[tuple[str, str, str, str]]
    # From the API's answer to the first check that sees the change: the event's way to the gateway.
    grant_delays: list[float]
    revoke_delay: float


def grant_through_the_api(gateway: str, mail: MailRecorder, holders: int) -> Granted:
    """A manager (an agent's code, the charter) grants `centre_agree` on each establishment to each holder,
    then revokes one; each change is awaited in the check's answers."""
    with httpx.Client(base_url=gateway, timeout=30) as agent:
        log_in(agent, *AGENT)
        issued = agent.post("/api/v1/agent/activation-codes", json={"siret": SIRETS[0], "service": "ceres"})
        issued.raise_for_status()
    keys, ids, delays = [], [], []
    with httpx.Client(base_url=gateway, timeout=30) as manager, httpx.Client(base_url=gateway, timeout=30) as system:
        email = f"responsable.{uuid.uuid4().hex[:8]}@val-de-loire.fr"
        sign_up(manager, mail, email, SIREN)
        log_in(manager, email)
        started = manager.post(
            "/api/v1/activations", json={"siret": SIRETS[0], "activation_code": issued.json()["code"]}
        )
        started.raise_for_status()
        activation = started.json()["activation_id"]
        manager.post(f"/api/v1/activations/{activation}/accept-charter", json={"accept": True}).raise_for_status()
        for n in range(holders):
            with httpx.Client(base_url=gateway, timeout=30) as person:
                holder = sign_up(person, mail, f"titulaire.{n}.{uuid.uuid4().hex[:6]}@val-de-loire.fr", SIREN)
            for siret in SIRETS:
                granted = manager.post(
                    f"/api/v1/organisations/{SIREN}/users/{holder}/habilitations",
                    json={"role": "centre_agree", "siret": siret},
                )
                granted.raise_for_status()
                key = (holder, "ceres", "centre_agree", siret)
                delays.append(seconds_until(lambda key=key: allowed_now(system, key)))  # type: ignore[misc]
                keys.append(key)
                ids.append(granted.json()["id"])
        manager.delete(f"/api/v1/habilitations/{ids[-1]}").raise_for_status()
        revoked = keys.pop()
        revoke_delay = seconds_until(lambda: not allowed_now(system, revoked))
    return Granted(keys, delays, revoke_delay)


def mix(granted: list[tuple[str, str, str, str]], preloaded: list[tuple[str, str, str, str]]) -> list[Check]:
    """A third held through the API, a third preloaded, a third nobody holds (another role, or no one)."""
    rng = random.Random(7)  # noqa: S311 (which keys to ask about, not a secret)
    checks = []
    for n in range(3000):
        if n % 3 == 0:
            checks.append(Check(granted[n % len(granted)], True, API_KEY))
        elif n % 3 == 1 and preloaded:
            checks.append(Check(rng.choice(preloaded), True, API_KEY))
        else:
            account_id, service, _, siret = rng.choice(granted)
            stranger = (str(uuid.uuid4()), service, "centre_agree", siret)
            other_role = (account_id, service, "gestionnaire_centres", siret)
            checks.append(Check(other_role if n % 2 else stranger, False, API_KEY))
    return checks
