"""RabbitMQ from Debian's package, run as a private node: own state dir, loopback only, own epmd.

The /usr/sbin wrappers switch user and use /var/lib/rabbitmq; the real scripts in
/usr/lib/rabbitmq/bin take everything from the environment, so several nodes (a run and
a test session) can live side by side. Each gets its own epmd port, so stopping one never
takes the name server from under another.
"""

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from devstack.processes import Child, Stack, free_port, spawn

BIN = Path("/usr/lib/rabbitmq/bin")
LOOPBACK_ERL_ARGS = "-kernel inet_dist_use_interface {127,0,0,1}"


@dataclass(frozen=True)
class RabbitPorts:
    amqp: int
    management: int
    distribution: int
    epmd: int

    @classmethod
    def free(cls, amqp: int | None = None, management: int | None = None) -> "RabbitPorts":
        return cls(amqp or free_port(), management or free_port(), free_port(), free_port())


@dataclass
class RabbitNode:
    child: Child
    nodename: str
    ports: RabbitPorts
    env: dict[str, str]
    state_dir: Path
    management: bool
    # False for a cluster's node: the cluster's epmd serves every node and outlives each.
    own_epmd: bool = True

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.ports.amqp}/"

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.management}/"

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "rabbitmqctl"), "-n", self.nodename, *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def restart(self) -> None:
        """Stop the node and start it again on the same ports and state: durable queues,
        their messages, users and permissions come back; connections are dropped."""
        self.stop()
        self.start()

    def start(self, timeout: float = 90) -> None:
        """Start the node again on the same ports and state (after `stop`, or a kill)."""
        self.child = launch_rabbitmq(self.state_dir, self.ports, self.management, self.own_epmd).child
        await_rabbitmq(self, timeout)

    def stop(self) -> None:
        if self.child.alive():
            self.ctl("shutdown", timeout=60)
        self.child.stop()
        if self.own_epmd:
            subprocess.run(["epmd", "-kill"], env={**os.environ, **self.env}, capture_output=True, timeout=10)


def start_rabbitmq(state_dir: Path, ports: RabbitPorts, management: bool = True, timeout: float = 90) -> RabbitNode:
    node = launch_rabbitmq(state_dir, ports, management)
    await_rabbitmq(node, timeout)
    return node


def launch_rabbitmq(state_dir: Path, ports: RabbitPorts, management: bool = True, own_epmd: bool = True) -> RabbitNode:
    """Start the node's process without waiting for it (a cluster starts its nodes side by side)."""
    if not (BIN / "rabbitmq-server").exists():
        raise RuntimeError("rabbitmq-server is not installed: run scripts/bootstrap")
    base = state_dir / "rabbitmq"
    base.mkdir(parents=True, exist_ok=True)
    config = base / "rabbitmq.conf"
    lines = [
        f"listeners.tcp.default = 127.0.0.1:{ports.amqp}",
        "log.console = false",
        "log.file.level = warning",
    ]
    if management:
        lines += ["management.tcp.ip = 127.0.0.1", f"management.tcp.port = {ports.management}"]
    config.write_text("\n".join(lines) + "\n")
    plugins = base / "enabled_plugins"
    plugins.write_text("[rabbitmq_management].\n" if management else "[].\n")
    nodename = f"efp{ports.amqp}@localhost"
    env = {
        "HOME": str(base),
        "RABBITMQ_NODENAME": nodename,
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(ports.amqp),
        "RABBITMQ_DIST_PORT": str(ports.distribution),
        "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
        "RABBITMQ_LOG_BASE": str(base / "log"),
        "RABBITMQ_PID_FILE": str(base / "rabbitmq.pid"),
        "RABBITMQ_CONFIG_FILE": str(config),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": LOOPBACK_ERL_ARGS,
        "RABBITMQ_CTL_ERL_ARGS": LOOPBACK_ERL_ARGS,
        "ERL_EPMD_ADDRESS": "127.0.0.1",
        "ERL_EPMD_PORT": str(ports.epmd),
    }
    child = spawn("rabbitmq", [str(BIN / "rabbitmq-server")], base / "log", env=env)
    return RabbitNode(child, nodename, ports, env, state_dir, management, own_epmd)


def await_rabbitmq(node: RabbitNode, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    child = node.child
    # await_startup fails at once until the node has registered with epmd: retry it.
    while True:
        if not child.alive():
            raise RuntimeError(f"rabbitmq-server exited:\n{child.log_tail()}")
        result = node.ctl("await_startup", "--timeout", "30", timeout=40)
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            node.stop()
            raise TimeoutError(f"RabbitMQ not ready after {timeout}s:\n{result.stderr}\n{child.log_tail()}")
        time.sleep(0.5)


def start_into(stack: Stack, state_dir: Path, ports: RabbitPorts, management: bool = True) -> RabbitNode:
    node = start_rabbitmq(state_dir, ports, management)
    stack.cleanups.append(node.stop)
    return node
