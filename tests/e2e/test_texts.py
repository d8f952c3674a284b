"""The texts read before accepting them, public through the gateway: a service's CGU and the managers' charter."""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, issue_code

pytestmark = pytest.mark.e2e
# The activation started to compare the charters is never finished: the organisation keeps its managers.
TROIS_CHENES_SIRET = "00002045300015"


def test_the_ceres_terms_are_public_and_versioned(client: httpx.Client) -> None:
    terms = client.get("/api/v1/services/ceres/terms")
    unknown = client.get("/api/v1/services/inconnu/terms")

    assert terms.status_code == 200, terms.text
    assert terms.json()["service"] == "ceres"
    assert terms.json()["version"] == "2024-11"
    assert "Conditions générales d'utilisation du service CERES" in terms.json()["text"]
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert unknown.json()["detail"] == "Ce service numérique n'existe pas."


def test_the_charter_is_public_and_the_one_an_activation_shows(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    charter = client.get("/api/v1/charter")
    person = Person(system, mail_server, TROIS_CHENES_SIRET[:9])
    started = person.http.post(
        "/api/v1/activations",
        json={"siret": TROIS_CHENES_SIRET, "activation_code": issue_code(system, TROIS_CHENES_SIRET)},
    )

    assert charter.status_code == 200, charter.text
    assert set(charter.json()) == {"version", "text"}
    assert "Charte du responsable des accès" in charter.json()["text"]
    assert started.status_code == 200, started.text
    assert started.json()["charter"] == charter.json()
