"""The operators' work on e-mails, for `efp-ops emails`: abandoned ones listed, one sent again.

Each function composes the service's own adapters from the service's environment (as the service
does), does one thing and closes what it opened; efp-ops parses, prints and sets the exit code. Dead
letters, of this service's queues as of every other's, are `efp-ops dead-letters`, at the broker level.
"""

from typing import Any

from notification.bootstrap import connect_operator
from notification.config import NotificationSettings
from notification.domain.masking import masked_body
from notification.use_cases.abandoned.list_abandoned_emails import ListAbandoned
from notification.use_cases.abandoned.requeue_abandoned_email import CannotRequeue, RequeueEmail

# masked_body: efp-ops masks the secrets of every dead letter it shows with the rule e-mails follow.
__all__ = ["abandoned_emails", "masked_body", "requeue_email"]


async def abandoned_emails(limit: int = 100) -> list[dict[str, Any]]:
    """Abandoned e-mails, newest first: reason, attempts, last SMTP reply, whether they can be requeued."""
    operator = await connect_operator(NotificationSettings())
    try:
        found = await operator.list_abandoned_emails(ListAbandoned(limit))
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
        state = await operator.requeue_abandoned_email(RequeueEmail(email_id, operator_name))
    except CannotRequeue as refused:
        return {"id": email_id, "requeued": False, "error": str(refused)}
    finally:
        await operator.close()
    return {"id": email_id, "requeued": True, "state": state.value}
