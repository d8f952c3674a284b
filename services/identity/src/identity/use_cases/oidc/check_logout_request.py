"""RP-initiated logout 1.0: whose hint, and may the browser go back to that address afterwards?"""

from contracts.oidc import CheckLogoutRequestV1, LogoutRequestV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidOidcRequest
from identity.use_cases.oidc.ports import OidcClientRepository, TokenSigner


class CheckLogoutRequest:
    def __init__(self, clients: OidcClientRepository, signer: TokenSigner) -> None:
        self._clients = clients
        self._signer = signer

    async def __call__(self, request: CheckLogoutRequestV1, context: MessageContext) -> LogoutRequestV1:
        client_id = request.client_id
        if request.id_token_hint:
            claims = await self._signer.verify_own(request.id_token_hint)
            audience = claims.get("aud") if claims else None
            hinted = audience[0] if isinstance(audience, list) and audience else audience
            if not isinstance(hinted, str) or (client_id and client_id != hinted):
                raise InvalidOidcRequest("Le paramètre id_token_hint est invalide.", field="id_token_hint")
            client_id = hinted
        client = await self._clients.get(client_id) if client_id else None
        if client_id and (client is None or not client.enabled):
            raise InvalidOidcRequest("L'application qui demande la déconnexion n'est pas connue.", field="client_id")
        uri = request.post_logout_redirect_uri
        if uri and (client is None or uri not in client.post_logout_redirect_uris):
            raise InvalidOidcRequest(
                "L'adresse de retour après déconnexion n'est pas enregistrée pour cette application.",
                field="post_logout_redirect_uri",
            )
        return LogoutRequestV1(
            client_id=client.id if client else None,
            client_name=client.name if client else None,
            post_logout_redirect_uri=uri,
        )
