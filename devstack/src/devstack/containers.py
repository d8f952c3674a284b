"""Test infrastructure in Docker, through testcontainers, where a Docker engine exists.

Opt-in with EFP_TEST_INFRA=containers: the development machines and CI have no Docker
engine and use the local servers (devstack.system); this path is for laptops that have one.
"""

import re
from collections.abc import Callable

from testcontainers.community.mongodb import MongoDbContainer
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import LogMessageWaitStrategy


def start_containers(cleanups: list[Callable[[], None]]) -> tuple[str, str]:
    """(AMQP_URL, MONGODB_URL) of a RabbitMQ and a MongoDB container, stopped by `cleanups`."""
    rabbit = (
        DockerContainer("rabbitmq:3.13-management")
        .with_exposed_ports(5672)
        .waiting_for(LogMessageWaitStrategy(re.compile(r"Server startup complete")))
    )
    rabbit.start()
    cleanups.append(rabbit.stop)
    mongo = MongoDbContainer("mongo:8.0")
    mongo.start()
    cleanups.append(mongo.stop)
    amqp_url = f"amqp://guest:guest@{rabbit.get_container_host_ip()}:{rabbit.get_exposed_port(5672)}/"
    return amqp_url, mongo.get_connection_url()
