"""The example's settings, from the environment (what a deployment sets)."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CeresSettings:
    issuer: str  # EFP Connect's web address; discovery is at <issuer>/.well-known/openid-configuration
    client_id: str
    client_secret: str
    base_url: str  # this application's public address: the redirect URIs registered are under it
    port: int = 8090
    host: str = "127.0.0.1"
    # The gateway's address and this application's service key, for /api/v1/authorizations/check.
    api_url: str | None = None
    service_key: str | None = None

    @classmethod
    def from_env(cls) -> "CeresSettings":
        required = ("CERES_ISSUER", "CERES_CLIENT_ID", "CERES_CLIENT_SECRET")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise SystemExit(f"missing settings: {', '.join(missing)}")
        port = int(os.environ.get("CERES_PORT", "8090"))
        return cls(
            issuer=os.environ["CERES_ISSUER"].rstrip("/"),
            client_id=os.environ["CERES_CLIENT_ID"],
            client_secret=os.environ["CERES_CLIENT_SECRET"],
            base_url=os.environ.get("CERES_BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
            port=port,
            host=os.environ.get("CERES_HOST", "127.0.0.1"),
            api_url=os.environ.get("CERES_EFP_API_URL") or None,
            service_key=os.environ.get("CERES_SERVICE_API_KEY") or None,
        )

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")
