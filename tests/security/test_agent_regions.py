"""Issue 14, finding 10: any agent issued a code for any SIRET and saw it in clear. An agent of a région
now issues, lists and revokes the activation codes of that région's establishments only (its région from
its account, the establishment's from its postcode in the directory); an agent with no région, as the
central administration's bootstrap agent, acts nationwide. Refusals are logged with who and where.
(The second factor before issuing or revealing a code comes with the second factor itself.)"""

from collections.abc import Iterator

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import agent
from tests.e2e.journeys import log_in, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.security]
PASSWORD = "Agent-Régional-2026!"
ANNECY = "00001011600010"  # 74000: Auvergne-Rhône-Alpes
NANTES = "00001387000043"  # 44000: Pays de la Loire
# Commune 44036 (Loire-Atlantique, Pays de la Loire) served by a post office of Ille-et-Vilaine (35130, Bretagne).
CHATEAUBRIANT = "00001387000068"


@pytest.fixture
def regional_agent(system: RunningSystem) -> Iterator[httpx.Client]:
    """A DREETS agent of the Pays de la Loire, created by the operators' command, logged in."""
    email = unique_email().replace("centre-formation.fr", "dreets.gouv.fr")
    identity = ("--last-name", "Bérard", "--first-name", "Léa", "--service", "DREETS", "--region", "Pays de la Loire")
    code, _ = system.operate("agents", "create", "--email", email, *identity, stdin=f"{PASSWORD}\n")
    assert code == 0
    http = system.client()
    opened = log_in(http, email, PASSWORD)
    assert opened.status_code == 200, opened.text
    http.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
    yield http
    http.close()


def issue(http: httpx.Client, siret: str) -> httpx.Response:
    return http.post("/api/v1/agent/activation-codes", json={"siret": siret, "service": "ceres"})


def test_an_agent_issues_codes_in_its_region_only(regional_agent: httpx.Client) -> None:
    refused = issue(regional_agent, ANNECY)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "forbidden"
    assert "Pays de la Loire" in refused.json()["detail"]

    issued = issue(regional_agent, NANTES)
    assert issued.status_code == 201, issued.text


def test_an_agent_neither_sees_nor_revokes_the_codes_of_another_region(
    system: RunningSystem, regional_agent: httpx.Client
) -> None:
    national = agent(system)  # the bootstrap agent has no région: nationwide
    try:
        issued = issue(national, ANNECY)
        assert issued.status_code == 201, issued.text
        code_id = issued.json()["id"]

        listed = regional_agent.get("/api/v1/agent/activation-codes", params={"siret": ANNECY})
        assert listed.status_code == 403
        revoked = regional_agent.post(f"/api/v1/agent/activation-codes/{code_id}/revoke", json={})
        assert revoked.status_code == 403, revoked.text

        codes = national.get("/api/v1/agent/activation-codes", params={"siret": ANNECY}).json()
    finally:
        national.close()
    [still] = [c for c in codes["items"] if c["id"] == code_id]
    assert still["state"] == "issued"


def test_the_establishments_region_comes_from_its_commune_not_its_postcode(regional_agent: httpx.Client) -> None:
    """A postcode near a border can be the neighbouring département's: the commune code decides."""
    issued = issue(regional_agent, CHATEAUBRIANT)

    assert issued.status_code == 201, issued.text
