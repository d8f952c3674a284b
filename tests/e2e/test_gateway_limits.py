"""The gateway refuses what it should not read: oversized bodies and unknown fields."""

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_an_oversized_body_is_refused_before_reading(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/registrations",
        content=b'{"email": "' + b"a" * 70_000 + b'@x.fr"}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_unknown_fields_are_refused(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/registrations", json={"email": "a@b.fr", "captcha_id": "x", "captcha_answer": "y", "admin": True}
    )

    assert response.status_code == 422
    assert {"field": "admin", "message": "Ce champ n'est pas attendu."} in response.json()["errors"]
