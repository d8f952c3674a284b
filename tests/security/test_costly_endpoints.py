"""Issue 14, finding 8: costly unauthenticated endpoints were unbounded. A captcha's audio spawned a
speech engine per request, `/health/ready` pinged every service per request, a one-letter organisation
search matched (to sort and count) most of the directory, and anyone could make captchas without end.
Against the running system: one captcha asked for its audio by many clients at once is spoken once;
a burst of readiness probes costs identity about one ping a second; a search needs a word of 3
characters; and one address past its captcha budget gets 429 with the wait.

The session's identity gives 127.0.0.1 a huge captcha budget (every test browser comes from there):
the last test restarts identity with a small one for this module, and the session's settings after.
The gateway believes X-Forwarded-For from 127.0.0.1, so each test plays an address of its own.
"""

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import new_captcha

pytestmark = [pytest.mark.e2e, pytest.mark.security]
SAME_TIME = 8  # clients asking for one captcha's audio at once
PROBES = 50
CAPTCHA_BUDGET = 4  # IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE while the last test runs
MEDIA_BUDGET = 6  # IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE, the same


def identity_pings(system: RunningSystem) -> float:
    """The pings identity's RPC queue has handed to its handler since identity started."""
    response = httpx.get(system.metrics_urls["identity"], timeout=10)
    assert response.status_code == 200, response.text
    return sum(
        sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name == "efp_messages_consumed_total"
        and sample.labels.get("queue") == "identity.rpc"
        and sample.labels.get("type") == "ping.v1"
    )


def test_one_captcha_asked_for_its_audio_by_many_at_once_is_spoken_once(system: RunningSystem) -> None:
    with system.client() as client:
        captcha_id = new_captcha(client)
    url = f"{system.gateway_url}/api/v1/captchas/{captcha_id}/audio"

    def listen(_: int) -> httpx.Response:
        return httpx.get(url, timeout=30)

    with ThreadPoolExecutor(SAME_TIME) as pool:
        answers = list(pool.map(listen, range(SAME_TIME)))
    again = httpx.get(url, timeout=30)

    # On a loaded machine (CI) a waiter may outlast the gateway's RPC timeout while the one speech runs
    # (503), or lose its store connection reading the 600 KB recording back (500: SecantusDB closed it;
    # see the closing note of 2026-12-04). The speech still ends and is kept, so the later request gets it.
    assert {answer.status_code for answer in answers} <= {200, 500, 503}
    assert again.status_code == 200, again.text
    spoken = [answer for answer in [*answers, again] if answer.status_code == 200]
    assert len(spoken) >= 2, "no concurrent request got the recording: nothing to compare"
    assert all(answer.content.startswith(b"RIFF") for answer in spoken)
    # Each speech draws its voice's pitch at random among 21: separate speeches would not all agree.
    assert len({answer.content for answer in spoken}) == 1


def test_a_burst_of_readiness_probes_costs_about_one_round_of_pings_a_second(system: RunningSystem) -> None:
    before = identity_pings(system)
    started = time.monotonic()
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: httpx.get(f"{system.gateway_url}/health/ready", timeout=10), range(PROBES)))
    seconds = time.monotonic() - started
    pinged = identity_pings(system) - before

    assert {answer.status_code for answer in answers} == {200}
    # One round when the burst starts, one more per second it lasts (it lasts well under one).
    assert 1 <= pinged <= int(seconds) + 2, (pinged, seconds)
    assert pinged < PROBES / 5


@pytest.mark.parametrize("q", ["a", " é ", "em"])
def test_an_organisation_search_without_a_word_of_3_characters_is_refused_in_french(
    system: RunningSystem, q: str
) -> None:
    with system.client() as client:
        response = client.get("/api/v1/organisations", params={"q": q})

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "validation_error"
    [error] = body["errors"]
    assert error["field"] == "q"
    assert "Saisissez au moins 3 lettres ou chiffres" in error["message"]


def test_numbers_and_words_of_3_characters_are_still_searched(system: RunningSystem) -> None:
    with system.client() as client:
        by_siren = client.get("/api/v1/organisations", params={"q": "000 010 116"})
        by_word = client.get("/api/v1/organisations", params={"q": "centre de formation"})

    assert [o["siren"] for o in by_siren.json()["items"]] == ["000010116"]
    assert "000010116" in [o["siren"] for o in by_word.json()["items"]]


def restart_identity(system: RunningSystem, extra_env: dict[str, str] | None) -> None:
    system.kill("identity")
    # The gateway keeps its last readiness answer a second: let the one from before the kill go stale,
    # so that wait_ready waits for the new process.
    time.sleep(1.1)
    system.start("identity", extra_env)
    system.wait_ready()


@pytest.fixture(scope="module")
def tight_captcha_budget(system: RunningSystem) -> Iterator[None]:
    restart_identity(
        system,
        {
            "IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE": str(CAPTCHA_BUDGET),
            "IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE": str(MEDIA_BUDGET),
        },
    )
    try:
        yield
    finally:
        restart_identity(system, None)


def first_refusal(send: Callable[[], httpx.Response], budget: int) -> httpx.Response:
    """Send until refused: at most two budgets, as the fixed window may turn in between."""
    for _ in range(2 * budget + 1):
        response = send()
        if response.status_code not in (200, 201):
            return response
    raise AssertionError(f"never refused after {2 * budget + 1} requests")


def test_one_address_past_its_captcha_budget_gets_429_with_the_wait(
    system: RunningSystem, tight_captcha_budget: None
) -> None:
    with system.client() as client:
        client.headers["X-Forwarded-For"] = "198.51.100.81"
        refused = first_refusal(lambda: client.post("/api/v1/captchas"), CAPTCHA_BUDGET)
        client.headers["X-Forwarded-For"] = "198.51.100.82"
        someone_else = client.post("/api/v1/captchas")

    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "rate_limited"
    assert "codes de sécurité" in refused.json()["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert someone_else.status_code == 201, someone_else.text


def test_one_address_past_its_media_budget_gets_429_too(system: RunningSystem, tight_captcha_budget: None) -> None:
    with system.client() as client:
        client.headers["X-Forwarded-For"] = "198.51.100.83"
        image = f"/api/v1/captchas/{new_captcha(client)}/image"
        refused = first_refusal(lambda: client.get(image), MEDIA_BUDGET)

    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "rate_limited"
    assert "Retry-After" in refused.headers
