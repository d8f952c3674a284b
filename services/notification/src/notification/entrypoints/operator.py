"""The operators' command: abandoned e-mails and dead-lettered commands, listed and requeued."""

# python -m notification.entrypoints.operator abandoned [--limit N]
# python -m notification.entrypoints.operator dead-letters [--limit N]
# python -m notification.entrypoints.operator requeue-email EMAIL_ID [--operator NAME]
# python -m notification.entrypoints.operator requeue-dead-letters (--all | MESSAGE_ID ...)
#
# Output is JSON lines on stdout, for scripts (logs go to stderr). Exit code 0; 1 when something
# asked for could not be done (each such line has an "error"); 2 on bad arguments. Listing never
# consumes: messages are read and put back. Codes are masked in every body shown.

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from efp_runtime.structured_logging import configure_logging
from notification.bootstrap import Operator, connect_operator
from notification.config import NotificationSettings
from notification.use_cases.requeue_abandoned_email import CannotRequeue

FAILED = 1
Command = Callable[[Operator, argparse.Namespace], Awaitable[bool]]


def emit(**fields: Any) -> None:
    print(json.dumps(fields, ensure_ascii=False, default=_iso), flush=True)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


async def abandoned(operator: Operator, args: argparse.Namespace) -> bool:
    for item in await operator.list_abandoned_emails(args.limit):
        email = item.email
        last = email.attempts[-1] if email.attempts else None
        emit(
            id=email.id,
            to=email.to,
            template=email.template,
            subject=email.subject,
            reason=email.abandon_reason,
            attempts=len(email.attempts),
            last_reply=last.reply if last else None,
            last_attempt_at=last.at if last else None,
            abandoned_at=email.history[-1].at if email.history else None,
            created_at=email.created_at,
            requeueable=item.requeueable,
        )
    return True


async def dead_letters(operator: Operator, args: argparse.Namespace) -> bool:
    for letter in await operator.list_dead_letters(args.limit):
        emit(
            message_id=letter.message_id,
            type=letter.message_type,
            reason=letter.reason,
            queue=letter.queue,
            died_at=letter.died_at,
            body=letter.masked_body,
        )
    return True


async def requeue_email(operator: Operator, args: argparse.Namespace) -> bool:
    try:
        state = await operator.requeue_abandoned_email(args.email_id, operator=args.operator)
    except CannotRequeue as refused:
        emit(id=args.email_id, requeued=False, error=str(refused))
        return False
    emit(id=args.email_id, requeued=True, state=state)
    return True


async def requeue_dead_letters(operator: Operator, args: argparse.Namespace) -> bool:
    requeued = await operator.requeue_dead_letters(None if args.all else args.message_ids)
    for message_id in requeued:
        emit(message_id=message_id, requeued=True)
    missing = [] if args.all else [m for m in args.message_ids if m not in requeued]
    for message_id in missing:
        emit(message_id=message_id, requeued=False, error="not in notification.commands.dead-letter")
    return not missing


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m notification.entrypoints.operator",
        description="Abandoned e-mails and dead-lettered commands of the notification service (JSON lines).",
    )
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND")

    about = "abandoned e-mails, newest first: reason, attempts, last SMTP reply, whether requeueable"
    listing = commands.add_parser("abandoned", help=about, description=about)
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    listing.set_defaults(run=abandoned)

    about = "commands in notification.commands.dead-letter (read and left there), why, codes masked"
    letters = commands.add_parser("dead-letters", help=about, description=about)
    letters.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    letters.set_defaults(run=dead_letters)

    about = "send an abandoned e-mail again, from its command parked in notification.abandoned"
    email = commands.add_parser("requeue-email", help=about, description=about)
    email.add_argument("email_id", metavar="EMAIL_ID", help="the e-mail's id (the id of the command that asked for it)")
    email.add_argument("--operator", default=getpass.getuser(), help="who asks, recorded in the e-mail's history")
    email.set_defaults(run=requeue_email)

    about = "send dead-lettered commands back to notification.commands (once their cause is fixed)"
    requeue = commands.add_parser("requeue-dead-letters", help=about, description=about)
    which = requeue.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every dead-lettered command")
    which.add_argument("message_ids", metavar="MESSAGE_ID", nargs="*", default=[], help="those with these ids")
    requeue.set_defaults(run=requeue_dead_letters)
    return root


async def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    settings = NotificationSettings()
    configure_logging("notification-operator", "WARNING", settings.log_format)
    operator = await connect_operator(settings)
    try:
        done = await args.run(operator, args)
    finally:
        await operator.close()
    return 0 if done else FAILED


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
