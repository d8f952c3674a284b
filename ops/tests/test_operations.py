"""efp-ops against the running system: each command run as an operator runs it, its effect seen through the gateway."""

import contextlib
import os
import random
import string
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import AGENT_EMAIL, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import log_in, start_registration, unique_email

pytestmark = pytest.mark.e2e
Line = dict[str, Any]
Organisation = tuple[str, str, str, str]  # SIREN, two SIRETs, the word of its name
DAY = 24 * 3600
UNITES_LEGALES_HEADER = (
    "siren,sigleUniteLegale,prenom1UniteLegale,etatAdministratifUniteLegale,nomUniteLegale,"
    "denominationUniteLegale,categorieJuridiqueUniteLegale"
)
ETABLISSEMENTS_HEADER = (
    "siren,nic,siret,etablissementSiege,numeroVoieEtablissement,indiceRepetitionEtablissement,"
    "typeVoieEtablissement,libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,"
    "etatAdministratifEtablissement,enseigne1Etablissement,denominationUsuelleEtablissement"
)


def ops(system: RunningSystem, *args: str, stdin: str | None = None) -> tuple[int, list[Line]]:
    """`efp-ops ARGS` as the bootstrap agent."""
    return system.operate(*args, stdin=stdin, extra_env={"EFP_OPERATOR_AGENT_EMAIL": AGENT_EMAIL})


def _luhn(prefix: str) -> str:
    """`prefix` and the digit that makes the whole pass the Luhn check (as SIREN and SIRET do)."""
    for digit in string.digits:
        total = 0
        for position, char in enumerate(reversed(prefix + digit)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return prefix + digit
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def organisation(system: RunningSystem, tmp_path_factory: pytest.TempPathFactory) -> Organisation:
    """A made-up organisation of this module's own, imported with `efp-ops sirene import`."""
    return _import_organisation(system, tmp_path_factory.mktemp("sirene"))


def _import_organisation(system: RunningSystem, directory: Path) -> Organisation:
    siren = _luhn(f"9{random.randrange(10**7):07d}")
    first, second = _luhn(f"{siren}0001"), _luhn(f"{siren}0002")
    word = "".join(random.choices(string.ascii_uppercase, k=10))
    unites = directory / "StockUniteLegale.csv"
    unites.write_text(f"{UNITES_LEGALES_HEADER}\n{siren},,,A,,INSTITUT {word},5710\n", encoding="utf-8")
    etablissements = directory / "StockEtablissement.csv"
    etablissements.write_text(
        f"{ETABLISSEMENTS_HEADER}\n"
        f"{siren},{first[9:]},{first},true,1,,RUE,DES OPERATEURS,75001,PARIS,A,,\n"
        f"{siren},{second[9:]},{second},false,2,,RUE,DES OPERATEURS,69001,LYON,A,,\n",
        encoding="utf-8",
    )
    code, [counts] = ops(
        system, "sirene", "import", "--unites-legales", str(unites), "--etablissements", str(etablissements)
    )
    assert code == 0, counts
    assert counts["organisations"] == {"read": 1, "written": 1, "changed": 1, "skipped_invalid": 0}
    assert counts["establishments"] == {"read": 2, "written": 2, "changed": 2, "skipped_invalid": 0}
    return siren, first, second, word


def test_an_imported_organisation_is_found_through_the_gateway(
    system: RunningSystem, organisation: Organisation
) -> None:
    siren, first, second, word = organisation
    with system.client() as http:
        found = http.get("/api/v1/organisations", params={"q": word.lower()})

    assert found.status_code == 200, found.text
    [listed] = found.json()["items"]
    assert listed["siren"] == siren
    assert sorted(e["siret"] for e in listed["establishments"]) == [first, second]


def test_an_agent_created_by_the_command_logs_in_and_a_weak_password_is_refused(system: RunningSystem) -> None:
    email = unique_email().replace("centre-formation.fr", "dreets.gouv.fr")
    identity = ("--last-name", "Bérard", "--first-name", "Léa", "--service", "DREETS", "--region", "Bretagne")

    code, [created] = ops(system, "agents", "create", "--email", email, *identity, stdin="Agent-Régional-2026!\n")
    weak, [refused] = ops(system, "agents", "create", "--email", unique_email(), *identity, stdin="court\n")

    assert (code, created["kind"], created["agent_service"], created["region"]) == (0, "agent", "DREETS", "Bretagne")
    with system.client() as http:
        session = log_in(http, email, "Agent-Régional-2026!")
    assert session.status_code == 200, session.text
    assert session.json()["account"]["kind"] == "agent"
    assert (weak, refused) == (1, {"error": "weak_password", "fields": ["password"]})


def _page_text(pdf: bytes) -> bytes:
    """The decompressed content streams of a fpdf2 document (enough to find the words drawn).

    A decompressor object, not `zlib.decompress`: it ignores the end-of-line before `endstream`
    without our having to strip it (stripping could cut compressed bytes that happen to be CR or LF)."""
    parts, start = [], 0
    while (start := pdf.find(b"stream\n", start)) != -1:
        end = pdf.find(b"endstream", start)
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[start + 7 : end]))
        start = end
    return b"".join(parts)


def test_a_code_issued_with_its_letter_makes_a_manager_and_a_revoked_one_does_not(
    system: RunningSystem, mail_server: MailRecorder, organisation: Organisation, tmp_path: Path
) -> None:
    siren, first, second, _ = organisation
    letter = tmp_path / "letter.pdf"

    code, [issued] = ops(system, "activation-codes", "issue", "--siret", first, "--letter", str(letter))

    assert code == 0, issued
    assert (issued["siret"], issued["service"], issued["letter"]) == (first, "ceres", str(letter))
    pdf = letter.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert issued["code"].encode() in _page_text(pdf)
    assert letter.stat().st_mode & 0o077 == 0
    person = Person(system, mail_server, siren)
    started = person.http.post("/api/v1/activations", json={"siret": first, "activation_code": issued["code"]})
    assert started.status_code == 200, started.text

    _, [other] = ops(system, "activation-codes", "issue", "--siret", second)
    code, [revoked] = ops(system, "activation-codes", "revoke", other["id"], "--reason", "wrong address")
    assert (code, revoked["state"], revoked["revocation_reason"]) == (0, "revoked", "wrong address")
    refused = person.http.post("/api/v1/activations", json={"siret": second, "activation_code": other["code"]})
    assert refused.status_code in (409, 410, 422), refused.text
    _, listed = ops(system, "activation-codes", "list", "--siret", second)
    assert [(c["id"], c["state"]) for c in listed] == [(other["id"], "revoked")]
    assert all("code" not in c for c in listed)
    again, [gone] = ops(system, "activation-codes", "revoke", other["id"])
    assert (again, gone["error"]) == (1, "wrong_state")


def test_unknown_agent_and_unknown_id_fail_with_exit_1(system: RunningSystem) -> None:
    code, [line] = ops(system, "activation-codes", "list", "--siret", "00001011600010", "--agent", "nobody@x.fr")
    assert (code, line) == (1, {"error": "unknown_agent", "agent": "nobody@x.fr"})
    code, [line] = ops(system, "show", "invitation", "no-such-id")
    assert (code, line) == (1, {"error": "not_found", "aggregate": "invitation", "id": "no-such-id"})


def test_an_access_request_shows_its_state_and_history_and_so_does_its_habilitation(
    system: RunningSystem, mail_server: MailRecorder, tmp_path: Path
) -> None:
    siren, first, _, _ = _import_organisation(system, tmp_path)
    manager = Person(system, mail_server, siren)
    become_manager(system, manager, first)
    collaborator = Person(system, mail_server, siren)
    submitted = collaborator.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": first})
    assert submitted.status_code == 201, submitted.text
    request_id = submitted.json()["id"]
    grant = {"habilitations": [{"role": "centre_agree", "siret": first}]}
    accepted = manager.http.post(f"/api/v1/access-requests/{request_id}/accept", json=grant)
    assert accepted.status_code == 200, accepted.text

    code, [shown] = ops(system, "show", "access-request", request_id)

    assert code == 0
    assert (shown["aggregate"], shown["id"], shown["state"], shown["siret"]) == (
        "access-request",
        request_id,
        "accepted",
        first,
    )
    assert [(h["trigger"], h["by"]) for h in shown["history"]] == [
        ("submit", collaborator.account_id),
        ("accept", manager.account_id),
    ]
    [held] = collaborator.http.get("/api/v1/me/habilitations").json()["items"]
    code, [habilitation] = ops(system, "show", "habilitation", held["id"])
    assert (code, habilitation["state"], habilitation["via"]) == (0, "active", "access_request")
    assert [h["trigger"] for h in habilitation["history"]] == ["grant"]
    table = subprocess.run(
        [sys.executable, "-m", "efp_ops", "show", "access-request", request_id, "--format", "table"],
        env={**os.environ, **system.env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert ["state", "accepted"] in [line.split() for line in table.stdout.splitlines()]


def test_abandoned_emails_are_listed_and_one_is_sent_again(system: RunningSystem, mail_server: MailRecorder) -> None:
    address = unique_email()
    mail_server.script_replies(address, "550 5.1.1 No such user here")
    with system.client() as http:
        start_registration(http, address)

    def abandoned() -> list[Line]:
        return [line for line in ops(system, "emails", "abandoned", "--limit", "1000")[1] if line["to"] == address]

    [line] = eventually_sync(abandoned, within=20, every=0.3, what="the abandoned e-mail in the listing")
    assert (line["reason"], line["attempts"], line["requeueable"]) == ("permanent_failure", 1, True)
    assert line["last_reply"] == "550 5.1.1 No such user here"

    code, [requeued] = ops(system, "emails", "requeue", line["id"], "--operator", "ops-test")

    assert (code, requeued["requeued"]) == (0, True)
    [mail] = mail_server.wait_for_mail(address)
    assert mail.subject == "Validation de votre compte EFP CONNECT"
    code, [refused] = ops(system, "emails", "requeue", line["id"])
    assert (code, refused["requeued"]) == (1, False)


def test_one_sweep_expires_what_is_due_while_the_habilitation_service_is_down(
    system: RunningSystem, mail_server: MailRecorder, tmp_path: Path
) -> None:
    siren, first, second, _ = _import_organisation(system, tmp_path)
    manager = Person(system, mail_server, siren)
    become_manager(system, manager, first)
    invited = manager.http.post(
        f"/api/v1/organisations/{siren}/invitations",
        json={
            "email": unique_email(),
            "civility": "madame",
            "last_name": "Morel",
            "first_name": "Inès",
            "habilitations": [{"service": "ceres", "role": "centre_agree", "siret": second}],
        },
    )
    assert invited.status_code == 201, invited.text
    with system.client() as http:
        start_registration(http, unique_email())

    # Down, so that whatever the pass finds done was done by the command, not by the service's own sweeper.
    system.kill("habilitation")
    system.shift_clock(DAY + 3600)
    try:
        code, [swept] = ops(system, "sweep", "once")
        _, [invitation] = ops(system, "show", "invitation", invited.json()["id"])
    finally:
        system.shift_clock(0)
        system.start("habilitation")
        system.wait_ready()

    assert code == 0, swept
    assert swept["failed"] == []
    assert swept["habilitation"]["invitations"] >= 1
    assert set(swept["habilitation"]) == {"activation_codes", "invitations", "habilitations"}
    # Identity's own sweeper keeps real time: only the command, on the shifted clock, finds it idle.
    assert swept["identity"]["registrations"] >= 1
    assert invitation["state"] == "expired"
    assert [h["trigger"] for h in invitation["history"]] == ["send", "expire"]
    assert "token_hash" not in invitation
