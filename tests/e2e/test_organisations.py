"""Organisations directory through the gateway: by raison sociale, SIREN or SIRET; closed sites hidden."""

import httpx
import pytest

pytestmark = pytest.mark.e2e


def _search(client: httpx.Client, q: str, **params: str | int) -> httpx.Response:
    return client.get("/api/v1/organisations", params={"q": q, **params})


def _found(client: httpx.Client, q: str) -> list[dict]:  # type: ignore[type-arg]
    response = _search(client, q)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_a_name_is_found_without_accents_or_case(client: httpx.Client) -> None:
    response = _search(client, "centre formation emeraude")

    assert response.status_code == 200
    [emeraude] = [o for o in response.json()["items"] if o["siren"] == "000010116"]
    assert emeraude["name"] == "Centre de Formation Émeraude"
    sirets = {e["siret"] for e in emeraude["establishments"]}
    assert "00001011600010" in sirets
    assert "00001011600044" not in sirets  # « Émeraude Lyon » is closed (état F)
    annecy = next(e for e in emeraude["establishments"] if e["siret"] == "00001011600010")
    assert annecy["postcode"] == "74000"


def test_a_prefix_of_a_word_is_enough(client: httpx.Client) -> None:
    assert any(o["siren"] == "000010587" for o in _found(client, "atel numer"))


def test_a_siren_and_a_spaced_siret_find_their_organisation(client: httpx.Client) -> None:
    by_siren = _found(client, "000010116")
    by_siret = _found(client, "000 010 116 00028")

    assert [o["siren"] for o in by_siren] == ["000010116"]
    assert [o["siren"] for o in by_siret] == ["000010116"]


def test_la_poste_sirets_follow_their_own_rule(client: httpx.Client) -> None:
    assert [o["siren"] for o in _found(client, "35600000000048")] == ["356000000"]


def test_a_one_letter_query_is_a_validation_error(client: httpx.Client) -> None:
    response = _search(client, " a ")

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_search_by_name_counts_every_match_and_pages_through_them_in_name_order(client: httpx.Client) -> None:
    first = _search(client, "formation", limit=2)
    assert first.status_code == 200, first.text
    pages, cursor = [first.json()], first.json()["next_cursor"]
    while cursor is not None:
        page = _search(client, "formation", limit=2, cursor=cursor).json()
        pages.append(page)
        cursor = page["next_cursor"]

    sirens = [o["siren"] for page in pages for o in page["items"]]
    assert pages[0]["total"] > 2
    assert all(len(page["items"]) <= 2 for page in pages)
    assert len(sirens) == len(set(sirens)) == pages[0]["total"]
    assert "000010116" in sirens  # Centre de Formation Émeraude


def test_a_siren_search_is_one_page_with_its_total(client: httpx.Client) -> None:
    body = _search(client, "000010116").json()

    assert (body["total"], body["next_cursor"]) == (1, None)


def test_a_cursor_the_gateway_did_not_give_is_a_validation_error(client: httpx.Client) -> None:
    response = _search(client, "formation", cursor="WyJ4Il0")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"
