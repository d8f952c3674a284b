"""Organisations directory through the gateway: by raison sociale, SIREN or SIRET; closed sites hidden."""

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _search(client: httpx.Client, q: str) -> httpx.Response:
    return client.get("/api/v1/organisations", params={"q": q})


def test_a_name_is_found_without_accents_or_case(client: httpx.Client) -> None:
    response = _search(client, "centre formation emeraude")

    assert response.status_code == 200
    [emeraude] = [o for o in response.json() if o["siren"] == "000010116"]
    assert emeraude["name"] == "Centre de Formation Émeraude"
    sirets = {e["siret"] for e in emeraude["establishments"]}
    assert "00001011600010" in sirets
    assert "00001011600044" not in sirets  # « Émeraude Lyon » is closed (état F)
    annecy = next(e for e in emeraude["establishments"] if e["siret"] == "00001011600010")
    assert annecy["postcode"] == "74000"


def test_a_prefix_of_a_word_is_enough(client: httpx.Client) -> None:
    assert any(o["siren"] == "000010587" for o in _search(client, "atel numer").json())


def test_a_siren_and_a_spaced_siret_find_their_organisation(client: httpx.Client) -> None:
    by_siren = _search(client, "000010116").json()
    by_siret = _search(client, "000 010 116 00028").json()

    assert [o["siren"] for o in by_siren] == ["000010116"]
    assert [o["siren"] for o in by_siret] == ["000010116"]


def test_la_poste_sirets_follow_their_own_rule(client: httpx.Client) -> None:
    assert [o["siren"] for o in _search(client, "35600000000048").json()] == ["356000000"]


def test_a_one_letter_query_is_a_validation_error(client: httpx.Client) -> None:
    response = _search(client, " a ")

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
