"""create_app()'s subscriptions, in memory (FastStream's TestRabbitBroker) over use cases on fakes: the
RPC queue answers its routes, the command queue sends the e-mail it is given."""

from faststream.rabbit import TestRabbitBroker

from contracts.messages import ListAccountMessagesV1
from contracts.notification import PasswordChangedEmailV1, SendEmailV1
from contracts.rpc import PingV1, PongV1, RpcReply
from contracts.topology import COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY, rpc_queue
from notification import composition
from notification.config import NotificationSettings
from notification.fakes import FakeMailSender, in_memory_adapters
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
