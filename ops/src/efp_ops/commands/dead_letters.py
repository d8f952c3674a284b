"""`efp-ops dead-letters`: what any queue rejected, listed (left in place, secrets masked) and replayed."""

import argparse
from dataclasses import asdict

from efp_ops.dead_letters import KNOWN_QUEUES, DeadLetterQueues, source_queue
from efp_ops.settings import OpsSettings
from efp_ops.verbs import Outcome, noun, verb
from efp_runtime.broker_addresses import connect_failover
from efp_runtime.senders import broker_user

EPILOG = f"""Queues looked at, unless --queue names some: {", ".join(KNOWN_QUEUES)}.
Each queue Q keeps what it rejected in Q.dead-letter; --queue takes Q or Q.dead-letter.
A replayed message goes straight back into Q (not to every subscriber of its exchange) and leaves
Q.dead-letter once the broker has it; fix the cause first, or it comes back."""


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "dead-letters", "messages a queue rejected, kept in its <queue>.dead-letter queue")
    listing = verb(
        verbs, "list", "list dead letters (read and left there), why, bodies with secrets masked", _list, EPILOG
    )
    _queues(listing)
    listing.add_argument("--limit", type=int, default=100, help="at most this many per queue (default 100)")

    replay = verb(verbs, "replay", "send dead letters back into the queue that rejected them", _replay, EPILOG)
    _queues(replay)
    which = replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every dead letter of the queues")
    which.add_argument("message_ids", metavar="MESSAGE_ID", nargs="*", default=[], help="those with these ids")


def _queues(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--queue", action="append", dest="queues", metavar="QUEUE", help="only this queue (repeatable)")


def _chosen(args: argparse.Namespace) -> list[str]:
    return [source_queue(name) for name in args.queues] if args.queues else list(KNOWN_QUEUES)


async def _list(args: argparse.Namespace) -> Outcome:
    amqp_url = OpsSettings().amqp_url
    connection = await connect_failover(amqp_url, client_properties={"connection_name": "efp-ops"})
    async with connection:
        letters = await DeadLetterQueues(connection, broker_user(amqp_url)).peek(_chosen(args), args.limit)
    return Outcome([asdict(letter) for letter in letters])


async def _replay(args: argparse.Namespace) -> Outcome:
    queues = _chosen(args)
    amqp_url = OpsSettings().amqp_url
    connection = await connect_failover(amqp_url, client_properties={"connection_name": "efp-ops"})
    async with connection:
        replayed = await DeadLetterQueues(connection, broker_user(amqp_url)).replay(
            queues, None if args.all else args.message_ids
        )
    lines = [{"queue": queue, "message_id": message_id, "replayed": True} for queue, message_id in replayed]
    found = {message_id for _, message_id in replayed}
    missing = [] if args.all else [m for m in dict.fromkeys(args.message_ids) if m not in found]
    where = ", ".join(f"{queue}.dead-letter" for queue in queues)
    lines += [{"message_id": m, "replayed": False, "error": "not_found", "looked_in": where} for m in missing]
    return Outcome(lines, ok=not missing)
