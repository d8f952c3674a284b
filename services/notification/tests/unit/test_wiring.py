"""create_app()'s subscriptions, in memory (FastStream's TestRabbitBroker) over use cases on fakes: the
RPC queue answers its routes, the command queue sends the e-mail it is given, a deleted account's
e-mails are erased."""

from faststream.rabbit import TestRabbitBroker

from contracts.messages import ListAccountMessagesV1
from contracts.notification import PasswordChangedEmailV1, SendEmailV1
from contracts.privacy import AccountDeletedV1, ExportMessagesDataV1, MessagesDataV1
from contracts.rpc import PingV1, PongV1, RpcReply
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, SEND_EMAIL_ROUTING_KEY, rpc_queue
from notification import composition
from notification.config import NotificationSettings
from notification.fakes import T0, FakeEmailRepository, FakeMailSender, in_memory_adapters
from notification.main import create_app

SETTINGS = NotificationSettings()


async def test_the_rpc_queue_answers_a_ping_and_a_history_request() -> None:
    app = create_app(SETTINGS, composition.use_cases(in_memory_adapters(), SETTINGS))

    async with TestRabbitBroker(app.broker) as broker:
        pong = await broker.request(PingV1().model_dump(), rpc_queue("notification"))
        page = await broker.request(ListAccountMessagesV1(account_id="a-1").model_dump(), rpc_queue("notification"))

    assert RpcReply[PongV1].model_validate_json(pong.body).result == PongV1(service="notification")
    assert RpcReply.model_validate_json(page.body).result is not None


async def test_a_send_email_command_on_its_queue_is_sent() -> None:
    sender = FakeMailSender()
    app = create_app(SETTINGS, composition.use_cases(in_memory_adapters(sender), SETTINGS))
    command = SendEmailV1(to="ines@example.fr", content=PasswordChangedEmailV1())

    async with TestRabbitBroker(app.broker) as broker:
        await broker.publish(
            command.model_dump(mode="json"),
            SEND_EMAIL_ROUTING_KEY,
            exchange=COMMANDS_EXCHANGE,
            message_id="m-1",
        )

    assert [(email_id, to) for email_id, to, _ in sender.sent] == [("m-1", "ines@example.fr")]


async def test_a_deleted_account_event_erases_its_emails_and_the_export_shows_them_erased() -> None:
    adapters = in_memory_adapters()
    app = create_app(SETTINGS, composition.use_cases(adapters, SETTINGS))
    command = SendEmailV1(to="ines@example.fr", content=PasswordChangedEmailV1(), account_id="a-1")
    deleted = AccountDeletedV1(account_id="a-1", email="ines@example.fr", deleted_at=T0)

    async with TestRabbitBroker(app.broker) as broker:
        await broker.publish(
            command.model_dump(mode="json"), SEND_EMAIL_ROUTING_KEY, exchange=COMMANDS_EXCHANGE, message_id="m-1"
        )
        await broker.publish(
            deleted.model_dump(mode="json"), deleted.MESSAGE_TYPE, exchange=EVENTS_EXCHANGE, message_id="e-1"
        )
        export = await broker.request(ExportMessagesDataV1(account_id="a-1").model_dump(), rpc_queue("notification"))

    assert isinstance(adapters.emails, FakeEmailRepository)
    email = adapters.emails.emails["m-1"]
    assert (email.to, email.masked_text) == ("", "")
    [item] = RpcReply[MessagesDataV1].model_validate_json(export.body).result.items  # type: ignore[union-attr]
    assert (item.id, item.text, item.subject) == ("m-1", "", "Votre mot de passe a été modifié")
