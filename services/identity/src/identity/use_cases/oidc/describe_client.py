"""The authorization page's first question: is this client known, enabled, and is this its redirect URI?"""

from contracts.oidc import DescribeOidcClientV1, OidcClientV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidRedirectUri, UnknownClient
from identity.domain.oidc import OidcClient
from identity.use_cases.oidc.ports import OidcClientRepository


async def registered_client(clients: OidcClientRepository, client_id: str, redirect_uri: str) -> OidcClient:
    client = await clients.get(client_id)
    if client is None or not client.enabled:
        raise UnknownClient()
    if not client.registered_redirect(redirect_uri):
        raise InvalidRedirectUri(field="redirect_uri")
    return client


class DescribeOidcClient:
    def __init__(self, clients: OidcClientRepository) -> None:
        self._clients = clients

    async def __call__(self, request: DescribeOidcClientV1, context: MessageContext) -> OidcClientV1:
        client = await registered_client(self._clients, request.client_id, request.redirect_uri)
        return OidcClientV1(
            client_id=client.id, name=client.name, service=client.service, redirect_uri=request.redirect_uri
        )
