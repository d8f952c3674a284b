"""The captcha through the gateway: a PNG to read, a WAV to listen to, both gone once it is used."""

import io
import struct
import wave

import httpx
import pytest

from tests.e2e.journeys import unique_email

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


def create(client: httpx.Client) -> dict[str, str]:
    response = client.post("/api/v1/captchas")
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_new_captcha_links_its_image_and_its_audio(client: httpx.Client) -> None:
    captcha = create(client)

    captcha_id = captcha["captcha_id"]
    assert captcha["image_url"] == f"/api/v1/captchas/{captcha_id}/image"
    assert captcha["audio_url"] == f"/api/v1/captchas/{captcha_id}/audio"


def test_the_image_is_a_200_by_70_png_never_cached(client: httpx.Client) -> None:
    image = client.get(create(client)["image_url"])

    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.headers["cache-control"] == "no-store"
    png = image.content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (200, 70)


def test_the_audio_is_a_wav_of_a_few_seconds_never_cached(client: httpx.Client) -> None:
    audio = client.get(create(client)["audio_url"])

    assert audio.status_code == 200, audio.text
    assert audio.headers["content-type"] == "audio/wav"
    assert audio.headers["cache-control"] == "no-store"
    assert audio.content[:4] == b"RIFF"
    assert audio.content[8:12] == b"WAVE"
    with wave.open(io.BytesIO(audio.content)) as sound:
        assert 5 < sound.getnframes() / sound.getframerate() < 30


def test_the_image_and_the_audio_can_be_fetched_again_until_the_captcha_is_used(client: httpx.Client) -> None:
    captcha = create(client)

    for _ in range(2):
        assert client.get(captcha["image_url"]).status_code == 200
        assert client.get(captcha["audio_url"]).status_code == 200


def test_a_used_captcha_shows_no_image_and_no_audio(client: httpx.Client) -> None:
    captcha = create(client)
    # A wrong answer uses the captcha up as surely as the right one, and starts nothing.
    refused = client.post(
        "/api/v1/registrations",
        json={"email": unique_email(), "captcha_id": captcha["captcha_id"], "captcha_answer": "NOPE"},
    )
    assert refused.json()["code"] == "invalid_captcha"

    for url in (captcha["image_url"], captcha["audio_url"]):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"].startswith(PROBLEM)
        problem = response.json()
        assert problem["code"] == "not_found"
        assert problem["detail"] == "Ce code de sécurité a expiré. Veuillez en demander un nouveau."


def test_an_unknown_captcha_has_no_audio(client: httpx.Client) -> None:
    response = client.get("/api/v1/captchas/inconnu/audio")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
