"""Several broker addresses in one AMQP_URL, and connections that fail over between them.

A RabbitMQ cluster's clients must reach another node when theirs is lost. Neither aio-pika (its
issue #141, "Robust connect to multiple hosts", is still open) nor FastStream takes more than one
address: a RobustConnection reconnects to the one it was given. So AMQP_URL may list the nodes,
comma-separated, each a whole URL with the same user and parameters (`amqp://u:p@a:5672/,amqp://u:p@b:5672/`),
and every connection of the services is a `FailoverConnection`: each (re)connection attempt tries the
addresses in turn, starting after the one it last used (the node just lost is the least likely to
answer), until one answers. One address behaves exactly as aio-pika's own RobustConnection.
"""

import asyncio
import functools
from collections.abc import Sequence
from typing import Any, cast

import aio_pika
from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from yarl import URL


def amqp_addresses(amqp_url: str) -> list[str]:
    """The addresses of an AMQP_URL, in the order given."""
    addresses = [part.strip() for part in amqp_url.split(",") if part.strip()]
    if not addresses:
        raise ValueError("AMQP_URL names no broker address")
    return addresses


class FailoverConnection(aio_pika.RobustConnection):
    """aio-pika's robust connection (channels, consumers and declarations restored on reconnection),
    whose every connection attempt walks the address list instead of retrying one address."""

    # A node that accepts TCP but never answers (paused, or its host gone without a reset) must not
    # hold the attempt: past this, the next address is tried.
    ADDRESS_TIMEOUT_SECONDS = 15.0

    def __init__(
        self,
        url: URL,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        addresses: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(url, loop=loop, **kwargs)
        self.addresses = [URL(address) for address in addresses] or [self.url]
        self._last = -1  # the first attempt starts with the first address
        self._lost = False

    async def _on_connection_close(self, closing: asyncio.Future[Any]) -> None:
        self._lost = not self._close_called
        await super()._on_connection_close(closing)

    async def _RobustConnection__connect_transport(self) -> None:
        """What RobustConnection's reconnection loop calls for each attempt (its private method,
        overridden under its mangled name: aio-pika has no public hook for the address)."""
        if self._lost and len(self.addresses) > 1:
            # Another node would take us at once, before the cluster has noticed the loss and moved the
            # lost node's quorum queue leaders: a channel opened then can keep its publishes to such a
            # queue unconfirmed for good (RabbitMQ 3.10, seen in tests/faults/test_cluster_faults.py).
            # One node alone waits as long: its first reconnection fails, the next comes this much later.
            self._lost = False
            await asyncio.sleep(self.reconnect_interval)
        error: BaseException | None = None
        for _ in self.addresses:
            self._last = (self._last + 1) % len(self.addresses)
            self.url = self.addresses[self._last]
            try:
                await asyncio.wait_for(
                    super()._RobustConnection__connect_transport(),  # type: ignore[misc]
                    self.ADDRESS_TIMEOUT_SECONDS,
                )
            except CONNECTION_EXCEPTIONS as failed:
                error = failed
                continue
            return
        assert error is not None  # the address list is never empty
        raise error


async def connect_failover(amqp_url: str, **kwargs: Any) -> AbstractRobustConnection:
    """`aio_pika.connect_robust` over every address of `amqp_url` (kwargs: its own)."""
    addresses = amqp_addresses(amqp_url)
    connection = await aio_pika.connect_robust(
        addresses[0], connection_class=failover_connection_class(addresses), **kwargs
    )
    return cast(AbstractRobustConnection, connection)


def failover_connection_class(addresses: Sequence[str]) -> type[FailoverConnection]:
    """The connection class aio-pika's `connect_robust` (and so FastStream) instantiates, bound to
    `addresses`: connect_robust passes its extra keyword arguments into the URL's query, so the list
    cannot travel as one."""
    return functools.partial(FailoverConnection, addresses=list(addresses))  # type: ignore[return-value]
