"""A three-node RabbitMQ cluster on one machine, from the private nodes of devstack.rabbitmq.

Each node keeps its own name, AMQP, distribution and management ports and its own state dir; what a
cluster needs them to share is one epmd (the name server through which nodes find each other: a
node registered with another epmd is invisible to its peers) and one Erlang cookie (the secret that
lets them connect), written as `$HOME/.erlang.cookie`, mode 400, in each node's HOME (the
RABBITMQ_ERLANG_COOKIE variable is deprecated). Nodes after the first join it with
`rabbitmqctl stop_app / join_cluster / start_app`.

Users, permissions, exchanges and queues live in the cluster's shared metadata: provisioning them
through any node's management API (devstack.broker_users) defines them for all. Quorum queues
declared once the cluster has formed get a replica on every node (RabbitMQ 3.10's default initial
group size is the cluster's size), and their leader on the node the declaring client is connected
to; the services' address lists start with the first node, so it leads the queues at first.
"""

import os
import secrets
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from devstack.processes import Child, Stack, free_port, spawn, wait_until
from devstack.rabbitmq import RabbitNode, RabbitPorts, await_rabbitmq, launch_rabbitmq

NODES = 3


@dataclass
class RabbitCluster:
    nodes: list[RabbitNode]
    epmd: Child
    # Nodes stopped with SIGSTOP: alive, but their CLI and API would hang.
    paused: set[str] = field(default_factory=set)

    @property
    def amqp_url(self) -> str:
        """Every node's address, comma-separated: what the services take (efp_runtime.broker_addresses)."""
        return ",".join(node.amqp_url for node in self.nodes)

    @property
    def management_url(self) -> str:
        return self.answering()[0].management_url

    def node(self, nodename: str) -> RabbitNode:
        return next(node for node in self.nodes if node.nodename == nodename)

    def answering(self) -> list[RabbitNode]:
        """The nodes running and not paused, in order."""
        return [node for node in self.nodes if node.child.alive() and node.nodename not in self.paused]

    def ctl(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """rabbitmqctl on the first node that answers (cluster-wide commands give the same answer on any)."""
        return self.answering()[0].ctl(*args, timeout=timeout)

    def kill(self, nodename: str) -> None:
        """kill -9 one node: its connections drop, its queues' leadership moves to the others."""
        self.node(nodename).child.kill()

    def start(self, nodename: str, timeout: float = 120) -> None:
        """Start a killed or stopped node again on its own state: it rejoins the cluster by itself."""
        self.node(nodename).start(timeout)

    def pause(self, nodename: str) -> None:
        """SIGSTOP the node's processes: what a network partition looks like to its peers and clients
        (nothing answers, no connection is closed)."""
        self.paused.add(nodename)
        os.killpg(self.node(nodename).child.pid, signal.SIGSTOP)

    def resume(self, nodename: str) -> None:
        os.killpg(self.node(nodename).child.pid, signal.SIGCONT)
        self.paused.discard(nodename)

    def restart(self) -> None:
        """The whole cluster down and up again, every node on its own state. Started side by side:
        a node that was not the last to stop waits, at boot, for the peers it last saw running."""
        for node in reversed(self.nodes):
            node.stop()
        for node in self.nodes:
            node.child = launch_rabbitmq(node.state_dir, node.ports, node.management, own_epmd=False).child
        for node in self.nodes:
            await_rabbitmq(node, timeout=180)

    def stop(self) -> None:
        for nodename in list(self.paused):
            self.resume(nodename)
        for node in reversed(self.nodes):
            node.stop()
        self.epmd.stop()


def start_cluster(state_dir: Path, size: int = NODES, management: bool = True) -> RabbitCluster:
    """`size` nodes under `state_dir`/node-<i>, on free ports, joined into one cluster."""
    epmd_port = free_port()
    # Our own epmd, in its own process group: a node killed with its group (kill -9) must not take
    # the name server every other node is registered with.
    epmd = spawn(
        "epmd",
        ["epmd", "-address", "127.0.0.1", "-port", str(epmd_port)],
        state_dir / "logs",
    )
    wait_until(lambda: _epmd_answers(epmd_port) or not epmd.alive(), 30, "epmd")
    cookie = secrets.token_hex(20)
    nodes: list[RabbitNode] = []
    cluster = RabbitCluster(nodes, epmd)
    try:
        for i in range(size):
            node_dir = state_dir / f"node-{i + 1}"
            _write_cookie(node_dir / "rabbitmq", cookie)
            ports = RabbitPorts(free_port(), free_port(), free_port(), epmd_port)
            nodes.append(launch_rabbitmq(node_dir, ports, management, own_epmd=False))
        for node in nodes:
            await_rabbitmq(node, timeout=180)
        for node in nodes[1:]:
            _join(node, nodes[0])
    except BaseException:
        cluster.stop()
        raise
    return cluster


def start_cluster_into(stack: Stack, state_dir: Path, size: int = NODES) -> RabbitCluster:
    cluster = start_cluster(state_dir, size)
    stack.cleanups.append(cluster.stop)
    return cluster


def _write_cookie(home: Path, cookie: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    path = home / ".erlang.cookie"
    if path.exists():
        return
    path.write_text(cookie)
    path.chmod(0o400)  # Erlang refuses a cookie file others may read


def _join(node: RabbitNode, first: RabbitNode) -> None:
    for args in (("stop_app",), ("join_cluster", first.nodename), ("start_app",)):
        result = node.ctl(*args, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {node.nodename} failed: {result.stderr}")


def _epmd_answers(port: int) -> bool:
    result = subprocess.run(
        ["epmd", "-names"],
        env={**os.environ, "ERL_EPMD_PORT": str(port)},
        capture_output=True,
        timeout=10,
        check=False,
    )
    return result.returncode == 0
