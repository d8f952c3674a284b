"""The AsyncAPI 3.0 document of the public events and of the requests the services answer, built from contracts.

FastStream renders it from publishers that are declared and never connected: one per event (the
`efp.events` topic exchange, routing key = the event's type) and one per request (the service's RPC
or credentials queue). What FastStream does not render is added afterwards: the CloudEvents headers
of events, an example of each message, and each request's reply.
"""

import importlib
import json
import pkgutil
import types
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from faststream.rabbit import ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.specification import AsyncAPI
from pydantic import BaseModel

import contracts
from contracts.base import Event
from contracts.envelope import CE_SPECVERSION, cloudevents_source
from contracts.rpc import Request, RpcReply
from contracts.topology import EVENTS_EXCHANGE, SERVICES, credentials_queue, rpc_queue
from efp_runtime.broker_addresses import amqp_addresses
from gateway.asyncapi_examples import example_of

VERSION = "1.0.0"
DESCRIPTION = """\
Les événements publics d'EFP Connect et les requêtes auxquelles répondent ses services.

**Événements.** Chaque événement est publié sur l'échange `topic` durable `efp.events`, avec pour clé
de routage son type (`<service>.<agrégat>.<événement>.v1`). Le corps est le JSON du contrat ; les
métadonnées voyagent en propriétés AMQP (`message_id`, `type`, `timestamp`, `correlation_id`,
`content_type`) et en en-têtes CloudEvents 1.0, mode binaire : `ce-id` (= `message_id`, clé de
déduplication : un événement peut arriver deux fois), `ce-type`, `ce-source` (`/efp-connect/<service>`),
`ce-specversion`, `ce-time` (RFC 3339, UTC), `ce-subject` (l'objet de l'événement : l'habilitation,
le compte, la demande…) et `ce-datacontenttype`. Liez votre propre file durable à `efp.events`
avec les clés de routage qui vous intéressent (par exemple `habilitation.habilitation.*`).

**Rejoindre en cours de route.** Un nouveau système obtient l'état courant puis suit les
événements, sans rien manquer : 1) déclarez et liez d'abord votre file ; 2) lisez ensuite l'instantané
des habilitations actives, page par page, par `GET /api/v1/habilitations?siret=…&after_id=…` (clé
d'API de service) jusqu'à `next_after_id` nul ; 3) consommez alors la file et appliquez chaque
événement de façon idempotente : par identifiant d'habilitation (`granted` l'ajoute, `revoked` et
`expired` la retirent, et un retrait l'emporte sur un ajout arrivé après lui), en ignorant un `ce-id`
déjà vu. Un événement publié pendant la lecture décrit un changement que l'instantané montre déjà
ou montrera : l'appliquer encore ne change rien.

**Requêtes.** Les requêtes passent par la file `<service>.rpc` (quorum, durable) ou, si elles portent
un mot de passe ou un jeton, `<service>.credentials` (classique, non persistante). La réponse
(`RpcReply` : `result` ou `error`) revient sur la file indiquée par `reply_to`, avec le même
`correlation_id`. Ces files sont internes à la plateforme : les autres systèmes passent par la passerelle HTTP.
"""
EVENTS = RabbitExchange(EVENTS_EXCHANGE, type=ExchangeType.TOPIC, durable=True)
# The reply channel's address is whatever the request's `reply_to` says (RabbitMQ's direct reply-to).
REPLY_TO = {"description": "La file de réponse de l'appelant.", "location": "$message.header#/reply_to"}


def contract_classes(base: type[Any]) -> list[Any]:
    """Every concrete `base` (a type on the wire) of the contracts package, by type."""
    for module in pkgutil.iter_modules(contracts.__path__):
        importlib.import_module(f"{contracts.__name__}.{module.name}")
    found: list[Any] = []
    pending = list(base.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        # Only the contracts' own (tests define theirs) and only concrete ones (with a type).
        if cls.__module__.startswith(f"{contracts.__name__}.") and hasattr(cls, "MESSAGE_TYPE"):
            found.append(cls)
    return sorted(found, key=lambda c: c.MESSAGE_TYPE)


def request_queues(request: type[Request]) -> list[str]:
    """The queues a request goes to: its service's (ping goes to every service)."""
    service = request.MESSAGE_TYPE.split(".")[0]
    services = [service] if service in SERVICES else list(SERVICES)
    return [credentials_queue(s) if request.CARRIES_SECRET else rpc_queue(s) for s in services]


@cache
def document(amqp_url: str) -> dict[str, Any]:
    """The document, with the broker's address (never its credentials) as its server. Built once per URL."""
    where = urlsplit(amqp_addresses(amqp_url)[0])
    port = f":{where.port}" if where.port else ""
    broker = RabbitBroker(
        f"{where.scheme}://{where.hostname}{port}{where.path or '/'}",
        description="Le courtier RabbitMQ de la plateforme (AMQP 0-9-1).",
    )
    events: list[type[Event]] = contract_classes(Event)
    for event in events:
        broker.publisher(
            exchange=EVENTS,
            routing_key=event.MESSAGE_TYPE,
            schema=event,
            title=event.MESSAGE_TYPE,
            description=_event_description(event),
            persist=True,
            mandatory=False,
        )
    replies: dict[str, str] = {}
    for request in contract_classes(Request):
        for queue in request_queues(request):
            title = f"{queue}.{request.MESSAGE_TYPE}"
            broker.publisher(
                _queue(queue, secret=request.CARRIES_SECRET),
                schema=request,
                title=title,
                description=f"Requête `{request.MESSAGE_TYPE}` à la file `{queue}`. {_doc(request)}".strip(),
                persist=not request.CARRIES_SECRET,
            )
            replies[title] = f"{title}.reply"
            broker.publisher(
                RabbitQueue("amq.rabbitmq.reply-to"), schema=_reply_model(request.RESULT), title=replies[title]
            )
    spec = AsyncAPI(
        broker, title="EFP Connect — événements", version=VERSION, description=DESCRIPTION, schema_version="3.0.0"
    )
    doc: dict[str, Any] = json.loads(spec.to_specification().to_json())
    for event in events:
        _describe_event(doc, event)
    for request in contract_classes(Request):
        for queue in request_queues(request):
            _describe_request(doc, request, f"{queue}.{request.MESSAGE_TYPE}", replies)
    return doc


@cache
def document_json(amqp_url: str) -> bytes:
    return json.dumps(document(amqp_url), ensure_ascii=False).encode()


def _queue(name: str, *, secret: bool) -> RabbitQueue:
    """As the services declare them (`efp_runtime.broker`): quorum, or classic and transient for secrets."""
    return RabbitQueue(name, durable=False) if secret else RabbitQueue(name, queue_type=QueueType.QUORUM)


def _doc(cls: type[Any]) -> str:
    # A class's own docstring only: pydantic's BaseModel has one that says nothing of ours.
    return " ".join((cls.__dict__.get("__doc__") or "").split())


def _event_description(event: type[Event]) -> str:
    service = event.MESSAGE_TYPE.split(".")[0]
    said = f"Publié par le service {service} sur `{EVENTS_EXCHANGE}`, clé de routage `{event.MESSAGE_TYPE}`."
    return f"{said} {_doc(event)}".strip()


_REPLIES: dict[type[BaseModel], type[BaseModel]] = {}


def _reply_model(result: type[BaseModel]) -> type[BaseModel]:
    """`RpcReply[Result]` under a name a schema key may hold (`<Result>Reply`)."""
    if result not in _REPLIES:
        doc = f"La réponse : `result` ({result.__name__}) ou `error`, jamais les deux."
        generic: type[BaseModel] = RpcReply[result]  # type: ignore[valid-type]
        named = f"{result.__name__}Reply"
        body = {"__module__": __name__, "__doc__": doc}
        _REPLIES[result] = types.new_class(named, (generic,), {}, lambda ns: ns.update(body))
    return _REPLIES[result]


def _message(doc: dict[str, Any], title: str) -> dict[str, Any]:
    message: dict[str, Any] = doc["components"]["messages"][f"{title}:Message"]
    return message


def _describe_event(doc: dict[str, Any], event: type[Event]) -> None:
    message = _message(doc, event.MESSAGE_TYPE)
    message["name"] = event.__name__
    message["contentType"] = "application/json"
    # On events the correlation id also travels as this header (the AMQP property is set too).
    message["correlationId"] = {"location": "$message.header#/x-correlation-id"}
    message["headers"] = _event_headers(event)
    message["bindings"] = {"amqp": {"messageType": event.MESSAGE_TYPE, "bindingVersion": "0.3.0"}}
    payload = example_of(event)
    if payload is not None:
        instance = event.model_validate(payload)
        headers = {
            "ce-id": "0b6f2b5e-6f64-4f0e-9d1e-3c1f4f7a9a10",
            "ce-type": event.MESSAGE_TYPE,
            "ce-source": cloudevents_source(event.MESSAGE_TYPE.split(".")[0]),
            "ce-specversion": CE_SPECVERSION,
            "ce-time": "2025-01-15T09:30:00.000Z",
            "ce-datacontenttype": "application/json",
            "x-correlation-id": "5d1c9f3e-2b7a-4c8e-9f10-6a2b3c4d5e6f",
            "x-occurred-at": "2025-01-15T09:30:00+00:00",
        }
        subject = instance.cloudevents_subject()
        if subject is not None:
            headers["ce-subject"] = subject
        message["examples"] = [{"name": event.__name__, "headers": headers, "payload": payload}]


def _event_headers(event: type[Event]) -> dict[str, Any]:
    text = {"type": "string"}
    return {
        "type": "object",
        "required": ["ce-id", "ce-type", "ce-source", "ce-specversion", "ce-time", "x-correlation-id"],
        "properties": {
            "ce-id": {**text, "description": "L'identifiant du message (= `message_id`) : dédupliquez sur lui."},
            "ce-type": {**text, "const": event.MESSAGE_TYPE, "description": "Le type (= `type`, = clé de routage)."},
            "ce-source": {**text, "description": "Le service producteur, `/efp-connect/<service>`."},
            "ce-specversion": {**text, "const": CE_SPECVERSION},
            "ce-time": {**text, "format": "date-time", "description": "Quand c'est arrivé (RFC 3339, UTC)."},
            "ce-subject": {**text, "description": "L'objet de l'événement (l'identifiant de l'agrégat)."},
            "ce-datacontenttype": {**text, "const": "application/json"},
            "x-correlation-id": {**text, "description": "Le travail dont l'événement fait partie."},
            "x-causation-id": {**text, "description": "Le message qui l'a causé."},
            "x-occurred-at": {**text, "format": "date-time"},
        },
    }


def _describe_request(doc: dict[str, Any], request: type[Request], title: str, replies: dict[str, str]) -> None:
    message = _message(doc, title)
    message["name"] = request.__name__
    message["contentType"] = "application/json"
    message["correlationId"] = {"location": "$message.header#/correlation_id"}
    payload = example_of(request)
    if payload is not None:
        message["examples"] = [{"name": request.__name__, "payload": payload}]
    reply = replies[title]
    # The reply is not something the platform sends on its own: it answers the request's operation.
    del doc["operations"][reply]
    doc["channels"][reply]["address"] = None
    doc["channels"][reply]["description"] = "La réponse, sur la file indiquée par `reply_to` de la requête."
    doc["channels"][reply].pop("bindings", None)
    doc["operations"][title]["reply"] = {
        "address": REPLY_TO,
        "channel": {"$ref": f"#/channels/{reply}"},
        "messages": [{"$ref": f"#/channels/{reply}/messages/Message"}],
    }
    _message(doc, reply)["contentType"] = "application/json"
