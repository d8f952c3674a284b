"""The notification RPC queue: readiness ping, the message history and the export of a person's e-mails."""

from contracts.messages import ListAccountMessagesV1, ListOrganisationMessagesV1
from contracts.privacy import ExportMessagesDataV1
from contracts.rpc import PingV1, PongV1
from efp_runtime.message_context import MessageContext
from efp_runtime.service import Routes
from notification.composition import Notification


async def pong(_: PingV1, __: MessageContext) -> PongV1:
    return PongV1(service="notification")


def routes(notification: Notification) -> Routes:
    """Which use case answers which request: one line each."""
    return {
        PingV1: pong,
        ListAccountMessagesV1: notification.list_account_messages,
        ListOrganisationMessagesV1: notification.list_organisation_messages,
        ExportMessagesDataV1: notification.export_messages_data,
    }
