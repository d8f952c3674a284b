"""A list of broker addresses: every connection attempt walks it, and a lost connection moves on.

No broker: aio-pika's transport is replaced by one that records the address it was asked for and
refuses the addresses marked down, so the address rotation is what is under test.
"""

import asyncio
from typing import Any

import pytest
from aio_pika.connection import UnderlayConnection
from yarl import URL

from efp_runtime.broker_addresses import amqp_addresses, connect_failover
from efp_runtime.senders import broker_user

NODES = "amqp://svc:pw@a:5672/,amqp://svc:pw@b:5673/,amqp://svc:pw@c:5674/"


class FakeTransport:
    """What aio-pika's Connection keeps of an open connection, and no more."""

    def __init__(self) -> None:
        self.connection = self
        self.is_closed = False

    async def close(self, exc: BaseException | None = None) -> None:
        self.is_closed = True


class FakeNodes:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tried: list[str] = []
        self.down: set[str] = set()
        monkeypatch.setattr(UnderlayConnection, "connect", self.connect)

    async def connect(self, url: URL, close_callback: Any, **kwargs: Any) -> FakeTransport:
        self.tried.append(url.host or "")
        if url.host in self.down:
            raise ConnectionRefusedError(f"{url.host} is down")
        return FakeTransport()


async def _lose(connection: Any) -> None:
    """What aio-pika sees when the node it is connected to goes away."""
    connection.transport.is_closed = True
    closing = asyncio.get_running_loop().create_future()
    closing.set_exception(ConnectionResetError("the node went away"))
    await connection._on_connection_close(closing)


def test_the_addresses_of_an_amqp_url_are_its_comma_separated_urls() -> None:
    assert amqp_addresses("amqp://u:p@a:5672/") == ["amqp://u:p@a:5672/"]
    assert amqp_addresses(NODES) == ["amqp://svc:pw@a:5672/", "amqp://svc:pw@b:5673/", "amqp://svc:pw@c:5674/"]
    assert amqp_addresses(" amqp://u:p@a/ , amqp://u:p@b/ ,") == ["amqp://u:p@a/", "amqp://u:p@b/"]
    with pytest.raises(ValueError, match="no broker address"):
        amqp_addresses(" , ")


def test_the_broker_user_of_a_list_is_the_user_every_address_names() -> None:
    assert broker_user(NODES) == "svc"


async def test_the_first_connection_takes_the_first_address_that_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = FakeNodes(monkeypatch)
    nodes.down = {"a"}
    connection = await connect_failover(NODES, reconnect_interval=0.01)
    try:
        assert nodes.tried == ["a", "b"]
        assert connection.url.host == "b"
    finally:
        await connection.close()


async def test_a_lost_connection_reconnects_to_the_next_address_that_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    nodes = FakeNodes(monkeypatch)
    connection = await connect_failover(NODES, reconnect_interval=0.01)
    try:
        reconnected = asyncio.Event()
        connection.reconnect_callbacks.add(lambda *_: reconnected.set())
        nodes.down = {"b"}  # after a: b, refused, then c
        await _lose(connection)
        await asyncio.wait_for(reconnected.wait(), 5)
        assert nodes.tried == ["a", "b", "c"]
        assert connection.url.host == "c"
        nodes.down = {"a"}  # after c: a, refused, then b
        reconnected.clear()
        await _lose(connection)
        await asyncio.wait_for(reconnected.wait(), 5)
        assert nodes.tried == ["a", "b", "c", "a", "b"]
        assert connection.url.host == "b"
    finally:
        await connection.close()


async def test_when_no_address_answers_the_first_connection_fails_after_trying_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nodes = FakeNodes(monkeypatch)
    nodes.down = {"a", "b", "c"}
    with pytest.raises(ConnectionRefusedError):
        await connect_failover(NODES, reconnect_interval=0.01)
    assert nodes.tried == ["a", "b", "c"]
