"""What operators do: register an application (its secret shown once), rotate its secret, disable it,
and rotate the signing keys (the next key published before it signs, the old one until its tokens expire)."""

import httpx
import pytest
from authlib.integrations.base_client import OAuthError
from pymongo import MongoClient

from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually_sync
from tests.oidc.relying_party import RelyingParty, verified_claims

pytestmark = pytest.mark.e2e
CALLBACK = "http://rp.test/ops-callback"


def published_kids(discovery: dict) -> set[str]:
    return {key["kid"] for key in httpx.get(discovery["jwks_uri"]).json()["keys"]}


def signing_kid(discovery: dict, browser: httpx.Client) -> str:
    """The key a new sign-in's ID token is signed with."""
    token = RelyingParty(discovery).sign_in(browser)["id_token"]
    return str(verified_claims(discovery, token)["_header"]["kid"])


def test_a_registered_application_signs_in_until_its_secret_changes_or_it_is_disabled(
    system: RunningSystem, discovery: dict, manager_browser: httpx.Client
) -> None:
    done, [added] = system.operate(
        "oidc-clients", "add", "--name", "Application des opérateurs", "--service", "ceres", "--redirect-uri", CALLBACK
    )
    assert done == 0
    rp = RelyingParty(
        discovery, client_id=added["client_id"], client_secret=added["client_secret"], redirect_uri=CALLBACK
    )
    assert verified_claims(discovery, rp.sign_in(manager_browser)["id_token"], aud=added["client_id"])
    _, listed = system.operate("oidc-clients", "list")
    [line] = [line for line in listed if line["client_id"] == added["client_id"]]
    assert "client_secret" not in line
    assert added["client_secret"] not in system.logs()

    _, [rotated] = system.operate("oidc-clients", "rotate-secret", added["client_id"])

    stale = RelyingParty(
        discovery, client_id=added["client_id"], client_secret=added["client_secret"], redirect_uri=CALLBACK
    )
    with pytest.raises(OAuthError, match="invalid_client"):
        stale.sign_in(manager_browser)
    fresh = RelyingParty(
        discovery, client_id=added["client_id"], client_secret=rotated["client_secret"], redirect_uri=CALLBACK
    )
    assert fresh.sign_in(manager_browser)["id_token"]

    _, [disabled] = system.operate("oidc-clients", "disable", added["client_id"])

    assert disabled["disabled_at"]
    refused = manager_browser.get(fresh.authorization_url())
    assert refused.status_code == 400
    assert "location" not in refused.headers


def test_bad_registrations_are_refused_with_a_reason(system: RunningSystem) -> None:
    for argv in (
        ["--redirect-uri", "ftp://rp.test/cb"],
        ["--redirect-uri", "https://rp.test/cb#fragment"],
        ["--redirect-uri", "https://rp.test/cb", "--name", " "],
        ["--redirect-uri", "https://rp.test/cb", "--service", "ceress"],
    ):
        defaults = {"--name": "X", "--service": "ceres"}
        given = [arg for name, value in defaults.items() if name not in argv for arg in (name, value)]
        done, lines = system.operate("oidc-clients", "add", *given, *argv)

        assert done == 1, argv
        assert lines[-1]["error"], argv
    done, [missing] = system.operate("oidc-clients", "disable", "no-such-client")
    assert (done, missing["error"]) == (1, "not_found")


def test_a_key_rotation_publishes_before_signing_and_keeps_the_old_key_until_its_tokens_expire(
    system: RunningSystem, discovery: dict, manager_browser: httpx.Client
) -> None:
    before = RelyingParty(discovery).sign_in(manager_browser)["id_token"]
    old_kid = verified_claims(discovery, before)["_header"]["kid"]
    kids_before = published_kids(discovery)
    assert len(kids_before) >= 2  # the signing key and the next one

    done, [rotated] = system.operate("oidc-keys", "rotate")

    assert done == 0
    new_kid = rotated["signing_kid"]
    assert new_kid in kids_before  # relying parties already had it
    assert new_kid != old_kid
    assert not [key for key in rotated["keys"] if set(key) - {"kid", "state", "retire_at"}]
    # The service reloads its keys within seconds: then it signs with the new one.
    signing = eventually_sync(
        lambda: signing_kid(discovery, manager_browser), lambda kid: kid == new_kid, within=30, every=1
    )
    assert signing == new_kid
    assert old_kid in published_kids(discovery)
    assert verified_claims(discovery, before)["sub"]  # a token signed before still verifies
    system.shift_clock(16 * 60)  # past the longest token's life and the JWKS cache
    try:
        published = eventually_sync(
            lambda: published_kids(discovery), lambda kids: old_kid not in kids, within=30, every=1
        )
    finally:
        system.shift_clock(0)
    assert old_kid not in published
    assert new_kid in published_kids(discovery)


def test_the_private_keys_rest_encrypted_and_appear_nowhere_else(system: RunningSystem, discovery: dict) -> None:
    store: MongoClient[dict] = MongoClient(system.infrastructure.mongodb_url)
    try:
        keyring = store[system.env["IDENTITY_DATABASE"]]["oidc_keys"].find_one()
    finally:
        store.close()
    assert keyring is not None
    pems = [key["private_pem"] for key in keyring["keys"]]
    assert pems
    assert all(pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----") for pem in pems)
    published = httpx.get(discovery["jwks_uri"]).text
    logs = system.logs()
    for pem in pems:
        body = "".join(pem.splitlines()[1:-1])
        assert body[:64] not in logs
        assert body[:64] not in published
    assert "PRIVATE KEY" not in logs
