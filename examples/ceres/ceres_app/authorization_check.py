"""Before an action on an establishment, CERES asks EFP Connect whether the person may still act there:
`GET /api/v1/authorizations/check` with the application's service key (not the person's token), so a
habilitation withdrawn a minute ago is already refused — the ID token's claims are only a snapshot."""

import logging
from dataclasses import dataclass

import httpx

logger = logging.getLogger("ceres")


@dataclass(frozen=True)
class Check:
    siret: str
    role: str
    allowed: bool | None  # None: EFP Connect could not answer
    end_date: str | None = None


class AuthorizationChecker:
    def __init__(self, api_url: str, service_key: str) -> None:
        self._api_url, self._service_key = api_url.rstrip("/"), service_key

    async def check(self, account_id: str, role: str, siret: str) -> Check:
        params = {"account_id": account_id, "service": "ceres", "role": role, "siret": siret}
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                answer = await client.get(
                    f"{self._api_url}/api/v1/authorizations/check",
                    params=params,
                    headers={"Authorization": f"Bearer {self._service_key}"},
                )
            answer.raise_for_status()
        except httpx.HTTPError as failed:
            logger.warning("authorization check unavailable: %r", failed)
            return Check(siret, role, None)
        body = answer.json()
        return Check(siret, role, bool(body["allowed"]), body.get("end_date"))
