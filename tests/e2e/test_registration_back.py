"""« Retour » in the sign-up (`POST /api/v1/registrations/{id}/back`) through the gateway."""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from tests.e2e.journeys import EMERAUDE_SIREN, PASSWORD, log_in, unique_email, verified_registration

pytestmark = pytest.mark.e2e
BACK = {"step": "identity"}


def test_from_the_organisation_step_the_identity_may_be_given_again(
    client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    registration_id = verified_registration(client, mail_server, email)
    path = f"/api/v1/registrations/{registration_id}"
    password = {"password": PASSWORD, "password_confirmation": PASSWORD}
    assert client.post(f"{path}/password", json=password).status_code == 200
    too_soon = client.post(f"{path}/back", json=BACK)
    mistyped = {"civility": "monsieur", "last_name": "Martn", "first_name": "Hugo"}
    assert client.post(f"{path}/identity", json=mistyped).status_code == 200

    back = client.post(f"{path}/back", json=BACK)
    twice = client.post(f"{path}/back", json=BACK)
    corrected = client.post(f"{path}/identity", json={**mistyped, "last_name": "Martin"})
    done = client.post(f"{path}/organisation", json={"siren": EMERAUDE_SIREN, "accept_terms": True})

    assert (too_soon.status_code, too_soon.json()["code"]) == (409, "wrong_step")
    assert back.status_code == 200, back.text
    assert back.json() == {"registration_id": registration_id, "step": "identity"}
    assert (twice.status_code, twice.json()["code"]) == (409, "wrong_step")
    assert (corrected.status_code, corrected.json()["step"]) == (200, "organisation")
    assert done.status_code == 201, done.text
    assert client.post(f"{path}/back", json=BACK).json()["code"] == "wrong_step"
    opened = log_in(client, email)
    assert opened.status_code == 200
    assert opened.json()["account"]["last_name"] == "Martin"


def test_only_the_identity_step_may_be_asked_for(client: httpx.Client) -> None:
    refused = client.post("/api/v1/registrations/unknown/back", json={"step": "password"})
    unknown = client.post("/api/v1/registrations/unknown/back", json=BACK)

    assert (refused.status_code, refused.json()["code"]) == (422, "validation_error")
    assert refused.json()["errors"][0]["field"] == "step"
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
