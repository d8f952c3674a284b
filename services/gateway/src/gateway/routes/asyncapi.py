"""The AsyncAPI document of the platform's events, for systems that subscribe to them (API.md « Operations »)."""

import asyncio

from fastapi import APIRouter, Request, Response

from gateway.asyncapi import document_json

router = APIRouter(tags=["Exploitation"])


@router.get(
    "/asyncapi.json",
    summary="Document AsyncAPI des événements",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "Le document AsyncAPI 3.0."}},
)
async def asyncapi(request: Request) -> Response:
    """Le document AsyncAPI des événements publics et des requêtes entre services.

    Échange, clés de routage, schémas, en-têtes CloudEvents et exemples de chaque message, et la façon
    d'obtenir l'état courant avant de suivre les événements.
    """
    # Built on the first call (about a second, off the event loop), then served from memory: it depends
    # only on the contracts and this URL.
    body = await asyncio.to_thread(document_json, request.app.state.settings.amqp_url)
    return Response(body, media_type="application/json")
