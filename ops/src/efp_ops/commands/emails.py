"""`efp-ops emails`: e-mails the notification service gave up on, listed and sent again (its own code)."""

import argparse
import getpass

from efp_ops.verbs import Outcome, noun, verb
from notification.entrypoints import operator as notification


def register(nouns: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    verbs = noun(nouns, "emails", "e-mails of the notification service")
    about = "abandoned e-mails, newest first: reason, attempts, last SMTP reply, whether requeueable"
    listing = verb(verbs, "abandoned", about, _abandoned)
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")

    about = "send an abandoned e-mail again, from its command parked in notification.abandoned"
    requeue = verb(verbs, "requeue", about, _requeue)
    requeue.add_argument("email_id", metavar="EMAIL_ID", help="the e-mail's id (the id of the command that asked it)")
    requeue.add_argument("--operator", default=getpass.getuser(), help="who asks, kept in the e-mail's history")


async def _abandoned(args: argparse.Namespace) -> Outcome:
    return Outcome(await notification.abandoned_emails(args.limit))


async def _requeue(args: argparse.Namespace) -> Outcome:
    line = await notification.requeue_email(args.email_id, args.operator)
    return Outcome([line], ok=bool(line["requeued"]))
