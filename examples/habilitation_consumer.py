"""A system that follows EFP Connect's habilitation events knowing nothing of its code: aio-pika, the standard
library and the AsyncAPI document.

It learns the exchange and routing keys of the habilitation events from the document, binds its own
durable queue, then (with --api-key) reads the current state from the snapshot endpoint — after binding,
so nothing falls between the two — and follows the events, deduplicated on their CloudEvents `ce-id`.
It prints one JSON line per habilitation of the snapshot, one when it starts following, and one per event:

    python examples/habilitation_consumer.py --asyncapi http://127.0.0.1:8000/asyncapi.json \\
        --amqp-url amqp://guest:guest@127.0.0.1:5672/ --siret 00001011600010 \\
        --gateway http://127.0.0.1:8000 --api-key <service key>

A real consumer keeps the ids it has seen (and its state) in its own store; here they live in memory.
"""

import argparse
import asyncio
import contextlib
import json
import sys
import urllib.parse
import urllib.request
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

CE_HEADERS = ("ce-id", "ce-type", "ce-source", "ce-specversion", "ce-time", "ce-subject")


def read_document(where: str) -> dict[str, Any]:
    """The AsyncAPI document, from its URL or a file."""
    if where.startswith(("http://", "https://")):
        with urllib.request.urlopen(where, timeout=30) as response:  # noqa: S310 - a URL the operator gives
            return dict(json.load(response))
    with open(where, encoding="utf-8") as file:
        return dict(json.load(file))


def event_channels(document: dict[str, Any], prefix: str) -> dict[str, list[str]]:
    """Exchange name -> routing keys of the channels whose address starts with `prefix`."""
    found: dict[str, list[str]] = {}
    for channel in document["channels"].values():
        binding = channel.get("bindings", {}).get("amqp", {})
        exchange = binding.get("exchange", {})
        address = channel.get("address") or ""
        if binding.get("is") == "routingKey" and exchange.get("type") == "topic" and address.startswith(prefix):
            found.setdefault(exchange["name"], []).append(address)
    return found


def snapshot(gateway: str, api_key: str, siret: str | None) -> list[dict[str, Any]]:
    """Every active habilitation (of `siret`), page by page."""
    items: list[dict[str, Any]] = []
    after_id: str | None = None
    while True:
        query = {k: v for k, v in {"siret": siret, "after_id": after_id, "limit": "500"}.items() if v}
        request = urllib.request.Request(  # noqa: S310 - the operator's gateway
            f"{gateway}/api/v1/habilitations?{urllib.parse.urlencode(query)}",
            headers={"Authorization": f"Bearer {api_key}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the operator's gateway
            page = json.load(response)
        items.extend(page["habilitations"])
        after_id = page["next_after_id"]
        if after_id is None:
            return items


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


async def follow(args: argparse.Namespace) -> int:
    document = read_document(args.asyncapi)
    channels = event_channels(document, args.prefix)
    if not channels:
        print(f"no channel starting with {args.prefix!r} in the document", file=sys.stderr)
        return 2
    connection = await aio_pika.connect_robust(args.amqp_url)
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=50)
        # Durable and ours: events published while we are away wait for us.
        queue = await channel.declare_queue(args.queue, durable=True, arguments={"x-queue-type": "quorum"})
        for exchange_name, routing_keys in channels.items():
            exchange = await channel.get_exchange(exchange_name)  # passive: the platform declares it
            for routing_key in routing_keys:
                await queue.bind(exchange, routing_key=routing_key)
        if args.api_key:
            # Only now, with the queue bound: a change made during the read is also waiting in the queue.
            for habilitation in await asyncio.to_thread(snapshot, args.gateway, args.api_key, args.siret):
                emit({"kind": "snapshot", "habilitation": habilitation})
        routing = {key: name for name, keys in channels.items() for key in keys}
        emit({"kind": "following", "queue": args.queue, "routing_keys": sorted(routing)})

        seen: set[str] = set()
        printed = 0
        done = asyncio.Event()

        async def on_message(message: AbstractIncomingMessage) -> None:
            nonlocal printed
            async with message.process():
                headers = {name: str(message.headers[name]) for name in CE_HEADERS if name in message.headers}
                ce_id = headers.get("ce-id") or str(message.message_id)
                data = json.loads(message.body)
                if ce_id in seen or printed >= args.max_events:
                    return  # the same event again (published twice): already applied
                if args.siret and data.get("habilitation", {}).get("siret") != args.siret:
                    return
                seen.add(ce_id)
                printed += 1
                emit({"kind": "event", **headers, "routing_key": message.routing_key, "data": data})
                if printed >= args.max_events:
                    done.set()

        await queue.consume(on_message)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), args.timeout)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asyncapi", default="http://127.0.0.1:8000/asyncapi.json", help="URL or file")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--queue", default="example.habilitation-consumer")
    parser.add_argument("--prefix", default="habilitation.habilitation.", help="routing keys to follow")
    parser.add_argument("--siret", help="only the events of this establishment")
    parser.add_argument("--api-key", help="a service API key: read the snapshot first")
    parser.add_argument("--gateway", default="http://127.0.0.1:8000", help="where the snapshot is read")
    parser.add_argument("--max-events", type=int, default=sys.maxsize, help="stop after printing this many events")
    parser.add_argument("--timeout", type=float, default=None, help="stop after this many seconds")
    return asyncio.run(follow(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
