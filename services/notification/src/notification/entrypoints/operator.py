"""The operators' work on e-mails: abandoned ones listed, one sent again. `efp-ops emails` calls the two
functions below; `python -m notification.entrypoints.operator` is the old alias of the same commands.

    python -m notification.entrypoints.operator abandoned [--limit N]
    python -m notification.entrypoints.operator requeue-email EMAIL_ID [--operator NAME]

Output is JSON lines on stdout (logs go to stderr); exit code 0, 1 when something asked for could not be
done (the line has an "error"), 2 on bad arguments. Dead letters, of this service's queues as of every
other's, are `efp-ops dead-letters` (one implementation, at the broker level); the two dead-letter
sub-commands still here are deprecated.
"""

import argparse
import asyncio
import getpass
import json
import sys
from datetime import datetime
from typing import Any

from efp_runtime.structured_logging import configure_logging
from notification.bootstrap import connect_operator
from notification.config import NotificationSettings
from notification.use_cases.requeue_abandoned_email import CannotRequeue

FAILED = 1


async def abandoned_emails(limit: int = 100) -> list[dict[str, Any]]:
    """Abandoned e-mails, newest first: reason, attempts, last SMTP reply, whether they can be requeued."""
    operator = await connect_operator(NotificationSettings())
    try:
        found = await operator.list_abandoned_emails(limit)
    finally:
        await operator.close()
    lines = []
    for item in found:
        email = item.email
        last = email.attempts[-1] if email.attempts else None
        lines.append(
            {
                "id": email.id,
                "to": email.to,
                "template": email.template,
                "subject": email.subject,
                "reason": email.abandon_reason,
                "attempts": len(email.attempts),
                "last_reply": last.reply if last else None,
                "last_attempt_at": last.at if last else None,
                "abandoned_at": email.history[-1].at if email.history else None,
                "created_at": email.created_at,
                "requeueable": item.requeueable,
            }
        )
    return lines


async def requeue_email(email_id: str, operator_name: str) -> dict[str, Any]:
    """Send an abandoned e-mail again from its parked command; the line has "error" if it cannot be."""
    operator = await connect_operator(NotificationSettings())
    try:
        state = await operator.requeue_abandoned_email(email_id, operator=operator_name)
    except CannotRequeue as refused:
        return {"id": email_id, "requeued": False, "error": str(refused)}
    finally:
        await operator.close()
    return {"id": email_id, "requeued": True, "state": state.value}


def _emit(fields: dict[str, Any]) -> None:
    print(json.dumps(fields, ensure_ascii=False, default=_iso), flush=True)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


async def _abandoned(args: argparse.Namespace) -> bool:
    for line in await abandoned_emails(args.limit):
        _emit(line)
    return True


async def _requeue_email(args: argparse.Namespace) -> bool:
    line = await requeue_email(args.email_id, args.operator)
    _emit(line)
    return bool(line["requeued"])


# Deprecated: `efp-ops dead-letters list|replay --queue notification.commands` does this for every queue.
# Kept until the tests that still call them move to efp-ops; then these two, and the notification use
# cases list_dead_letters / requeue_dead_letters they use, go.
async def _dead_letters(args: argparse.Namespace) -> bool:
    operator = await connect_operator(NotificationSettings())
    try:
        letters = await operator.list_dead_letters(args.limit)
    finally:
        await operator.close()
    for letter in letters:
        _emit(
            {
                "message_id": letter.message_id,
                "type": letter.message_type,
                "reason": letter.reason,
                "queue": letter.queue,
                "died_at": letter.died_at,
                "body": letter.masked_body,
            }
        )
    return True


async def _requeue_dead_letters(args: argparse.Namespace) -> bool:
    operator = await connect_operator(NotificationSettings())
    try:
        requeued = await operator.requeue_dead_letters(None if args.all else args.message_ids)
    finally:
        await operator.close()
    for message_id in requeued:
        _emit({"message_id": message_id, "requeued": True})
    missing = [] if args.all else [m for m in args.message_ids if m not in requeued]
    for message_id in missing:
        _emit({"message_id": message_id, "requeued": False, "error": "not in notification.commands.dead-letter"})
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
    listing.set_defaults(run=_abandoned)

    about = "deprecated, use `efp-ops dead-letters list --queue notification.commands`"
    letters = commands.add_parser("dead-letters", help=about, description=about)
    letters.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    letters.set_defaults(run=_dead_letters)

    about = "send an abandoned e-mail again, from its command parked in notification.abandoned"
    email = commands.add_parser("requeue-email", help=about, description=about)
    email.add_argument("email_id", metavar="EMAIL_ID", help="the e-mail's id (the id of the command that asked for it)")
    email.add_argument("--operator", default=getpass.getuser(), help="who asks, recorded in the e-mail's history")
    email.set_defaults(run=_requeue_email)

    about = "deprecated, use `efp-ops dead-letters replay --queue notification.commands`"
    requeue = commands.add_parser("requeue-dead-letters", help=about, description=about)
    which = requeue.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every dead-lettered command")
    which.add_argument("message_ids", metavar="MESSAGE_ID", nargs="*", default=[], help="those with these ids")
    requeue.set_defaults(run=_requeue_dead_letters)
    return root


async def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    configure_logging("notification-operator", "WARNING", NotificationSettings().log_format)
    return 0 if await args.run(args) else FAILED


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
