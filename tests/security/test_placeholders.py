"""Issue 14, low item: a production process started with a `change-me…` placeholder of .env.example
(an unfilled copy) refuses to start, names the variable, and prints no secret. Each service's own
process, started as compose starts it. Likewise, in any environment, a service given another service's
HMAC key as its own."""

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.security]
SECRET = "change-me-generate-at-least-32-bytes"
CASES = {
    "identity": {"IDENTITY_SECRET_KEY": SECRET},
    "habilitation": {"HABILITATION_SECRET_KEY": SECRET},
    "notification": {"AMQP_URL": "amqp://notification:change-me-notification-broker-password@127.0.0.1:9/"},
    "gateway": {"EFP_SERVICE_API_KEYS": "change-me-key-1,change-me-key-2"},
    "web": {"MONGODB_URL": "mongodb://web:change-me-web-store-password@127.0.0.1:9/?authSource=admin"},
}


@pytest.mark.parametrize("service", CASES)
def test_a_production_process_with_a_placeholder_does_not_start(service: str) -> None:
    env = {**os.environ, "EFP_ENVIRONMENT": "production", **CASES[service]}
    env.pop("EFP_CAPTCHA_TEST_ANSWER", None)

    done = subprocess.run([sys.executable, "-m", service], env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    [variable] = CASES[service]
    assert variable in done.stderr
    assert "placeholder" in done.stderr
    assert "generate-at-least" not in done.stderr
    assert "broker-password" not in done.stderr


@pytest.mark.parametrize(
    ("service", "own", "other"),
    [("identity", "IDENTITY", "HABILITATION"), ("habilitation", "HABILITATION", "IDENTITY")],
)
def test_a_process_whose_key_is_another_services_does_not_start(service: str, own: str, other: str) -> None:
    key = "one-key-for-two-services-0123456789abcdef"
    env = {**os.environ, f"{own}_SECRET_KEY": key, f"{other}_SECRET_KEY": key}

    done = subprocess.run([sys.executable, "-m", service], env=env, capture_output=True, text=True, timeout=60)

    assert done.returncode != 0
    assert f"{own}_SECRET_KEY={other}_SECRET_KEY" in done.stderr
    assert key not in done.stderr
