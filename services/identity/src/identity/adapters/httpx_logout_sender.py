"""POSTs logout tokens to relying parties' back-channel logout URIs (OpenID Back-Channel Logout 1.0 §2.5)."""

import logging

import httpx

logger = logging.getLogger(__name__)


class HttpxLogoutSender:
    def __init__(self, timeout_seconds: float = 5.0) -> None:
        # No redirects: the spec forbids following them with a logout token.
        self._client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)

    async def send(self, uri: str, logout_token: str) -> bool:
        try:
            answer = await self._client.post(
                uri, data={"logout_token": logout_token}, headers={"Cache-Control": "no-store"}
            )
        except httpx.HTTPError as failed:
            logger.warning("back-channel logout to %s failed: %s", uri, type(failed).__name__)
            return False
        if answer.status_code != 200:
            logger.warning("back-channel logout to %s answered %d", uri, answer.status_code)
        return answer.status_code == 200

    async def close(self) -> None:
        await self._client.aclose()
