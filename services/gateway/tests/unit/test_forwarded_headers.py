"""Whose X-Forwarded-For the gateway believes: only the peers of GATEWAY_FORWARDED_ALLOW_IPS (127.0.0.1 by default)."""

from typing import Any

import pytest

from gateway import main
from gateway.config import GatewaySettings


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `run()` hands to uvicorn, without building the app or serving it."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr(main, "create_app", lambda settings: "the-app")
    monkeypatch.setattr(main.uvicorn, "run", lambda app, **options: seen.update(app=app, **options))
    monkeypatch.delenv("GATEWAY_FORWARDED_ALLOW_IPS", raising=False)
    return seen


def test_by_default_only_the_local_web_frontend_is_believed(served: dict[str, Any]) -> None:
    main.run()

    assert served["app"] == "the-app"
    assert served["proxy_headers"] is True
    assert served["forwarded_allow_ips"] == "127.0.0.1"


def test_the_trusted_peers_come_from_the_environment(served: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_FORWARDED_ALLOW_IPS", "10.0.0.5,10.0.1.0/24")

    main.run()

    assert served["forwarded_allow_ips"] == "10.0.0.5,10.0.1.0/24"
    assert GatewaySettings().forwarded_allow_ips == "10.0.0.5,10.0.1.0/24"
