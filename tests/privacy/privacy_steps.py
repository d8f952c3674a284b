"""Steps of the privacy tests: people whose name, address and phone are theirs alone, and a search of
every collection of every service's database for them."""

import random
import string
import time
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
from bson import json_util
from pymongo import MongoClient

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD, log_in, verified_registration

# The processes that keep data, each in its own database (<NAME>_DATABASE).
STORES = ("identity", "habilitation", "notification", "web")
# Made-up organisations of the SIRENE sample that only the privacy tests use: (SIREN, SIRET, name).
MISTRAL = ("000031005", "00003100500010", "Centre de Formation Mistral")
TRAMONTANE = ("000031013", "00003101300014", "Institut Tramontane")
SIROCCO = ("000031021", "00003102100017", "Organisme de Formation Sirocco")


def _letters(count: int) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=count))


class Someone:
    """A person with a name, an address and a phone number nobody else in the session has, logged in."""

    def __init__(self, system: RunningSystem, mail_server: MailRecorder, siren: str) -> None:
        self.email = f"{_letters(6)}.{uuid.uuid4().hex[:8]}@{siren}.centre-formation.fr"
        self.first_name = "Séraphine" + _letters(5)
        self.last_name = "Vauquelin" + _letters(6)
        digits = "".join(random.choices(string.digits, k=8))
        self.phone = f"+336{digits}"
        self.http = system.client()
        registration_id = verified_registration(self.http, mail_server, self.email)
        steps = [
            ("password", {"password": PASSWORD, "password_confirmation": PASSWORD}),
            ("identity", {"civility": "madame", "last_name": self.last_name, "first_name": self.first_name}),
            ("organisation", {"siren": siren, "job_title": "Formatrice", "accept_terms": True}),
        ]
        for step, body in steps:
            response = self.http.post(f"/api/v1/registrations/{registration_id}/{step}", json=body)
            assert response.status_code in (200, 201), response.text
        self.account_id = str(response.json()["account_id"])
        mail_server.wait_for_mail(self.email, count=2)
        self.log_in()
        spaced = f"06 {digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"
        changed = self.http.patch("/api/v1/me", json={"phone": spaced})
        assert changed.status_code == 200, changed.text
        assert changed.json()["phone"] == self.phone

    def log_in(self) -> None:
        response = log_in(self.http, self.email)
        assert response.status_code == 200, response.text
        self.http.headers["X-CSRF-Token"] = response.json()["csrf_token"]

    def traces(self) -> set[str]:
        """What identifies the person: the address, the names, the phone number written both ways."""
        national = "0" + self.phone[3:]
        spaced = " ".join([national[i : i + 2] for i in range(0, 10, 2)])
        return {self.email, self.first_name, self.last_name, self.phone, national, spaced}

    def delete_account(self, password: str = PASSWORD) -> httpx.Response:
        return self.http.request("DELETE", "/api/v1/me", json={"password": password})


def store(system: RunningSystem) -> MongoClient[dict[str, Any]]:
    return MongoClient(system.infrastructure.mongodb_url, serverSelectionTimeoutMS=10_000)


def database_of(system: RunningSystem, process: str) -> str:
    return str(system.env[f"{process.upper()}_DATABASE"])


def found(system: RunningSystem, needles: Iterable[str]) -> list[str]:
    """Where any of `needles` is written, in any document of any collection of any service's database
    (case-insensitive): `<process>.<collection>._id` for each document holding one."""
    wanted = [needle.casefold() for needle in needles]
    places = []
    with store(system) as client:
        for process in STORES:
            database = client[database_of(system, process)]
            for name in database.list_collection_names():
                for document in database[name].find():
                    text = json_util.dumps(document, ensure_ascii=False).casefold()
                    if any(needle in text for needle in wanted):
                        places.append(f"{process}.{name}.{document.get('_id')}")
    return places


def wait_until_gone(system: RunningSystem, needles: Iterable[str], within: float = 30) -> list[str]:
    """The places still holding a needle once the copies had `within` seconds to follow (empty: none)."""
    needles = list(needles)
    deadline = time.monotonic() + within
    while (places := found(system, needles)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return places


def eventually(check: Any, within: float = 20, interval: float = 0.3) -> Any:
    """The first truthy result of `check()` within `within` seconds (else its last result)."""
    deadline = time.monotonic() + within
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(interval)
    return result


def mail_about(mail_server: MailRecorder, address: str, words: str, within: float = 30) -> Any:
    """The first mail to `address` whose subject holds `words`, waited for."""
    mail = eventually(
        lambda: next((m for m in mail_server.mails_to(address) if words in m.subject), None), within=within
    )
    assert mail is not None, f"no mail « {words} » to {address}: {[m.subject for m in mail_server.mails_to(address)]}"
    return mail


def logged(system: RunningSystem, needles: Iterable[str]) -> list[str]:
    """The needles any service's log holds (case-insensitive): none may, beyond ids."""
    logs = system.logs().casefold()
    return sorted(needle for needle in needles if needle.casefold() in logs)
