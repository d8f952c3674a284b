"""The fault suite's handle on the broker cluster: which node leads what, a node killed, restarted, paused.

Which node leads a quorum queue, and which members are online, come from the management API (any
node answers for the whole cluster); whether a member has caught up, from `rabbitmq-queues
quorum_status` (each member's Raft log and commit indexes).
"""

import json
import os
import subprocess
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.topology import NOTIFICATION_COMMANDS_QUEUE, rpc_queue
from devstack.rabbit_cluster import RabbitCluster
from devstack.rabbitmq import BIN, RabbitNode
from tests.faults.harness import Faults

# The queues the load keeps busiest: every access request and invitation goes through them.
BUSIEST_QUEUES = (NOTIFICATION_COMMANDS_QUEUE, rpc_queue("habilitation"), rpc_queue("identity"))


@dataclass
class ClusterFaults:
    faults: Faults
    # The node killed by `kill_busiest_leader`, until `restart_lost_node` brings it back.
    lost: str | None = None
    # The busiest queues the node last killed or paused was leading at that moment.
    led: list[str] = field(default_factory=list)

    @property
    def cluster(self) -> RabbitCluster:
        rabbit = self.faults.infrastructure.rabbit
        assert isinstance(rabbit, RabbitCluster), "the fault suite starts a cluster (EFP_BROKER_NODES=3)"
        return rabbit

    def quorum_queues(self) -> list[dict[str, Any]]:
        queues = self._api("queues/%2F?columns=name,type,leader,members,online")
        return [queue for queue in queues if queue.get("type") == "quorum"]

    def busiest_leader(self) -> str:
        """The node leading most of BUSIEST_QUEUES (ties: most quorum queues of all)."""
        queues = self.quorum_queues()
        busy = Counter(q["leader"] for q in queues if q["name"] in BUSIEST_QUEUES)
        every = Counter(q["leader"] for q in queues)
        return max(every, key=lambda node: (busy[node], every[node]))

    def kill_busiest_leader(self) -> float:
        """kill -9 the node leading the busiest queues; seconds from the kill to every service ready."""
        self.lost = self.busiest_leader()
        self.led = self._led_by(self.lost)
        print(f"killing {self.lost}, leader of {self.led}", flush=True)
        killed = time.monotonic()
        self.cluster.kill(self.lost)
        self.faults.system.wait_ready(timeout=120)
        return time.monotonic() - killed

    def restart_lost_node(self) -> float:
        """Start the killed node again; seconds from its start until every quorum queue has all its
        members online again (it rejoined and its replicas run)."""
        assert self.lost is not None, "no node was lost"
        node, self.lost = self.lost, None
        self.cluster.start(node)
        started = time.monotonic()
        members = len(self.cluster.nodes)
        deadline = started + 120
        while time.monotonic() < deadline:
            if all(len(q.get("online", [])) == members for q in self.quorum_queues()):
                break
            time.sleep(0.5)
        self.faults.system.wait_ready(timeout=120)
        return time.monotonic() - started

    def pause_busiest_leader(self, seconds: float) -> float:
        """SIGSTOP the node leading the busiest queues, SIGCONT after `seconds`; seconds from the
        SIGCONT to every service ready."""
        node = self.busiest_leader()
        self.led = self._led_by(node)
        print(f"pausing {node}, leader of {self.led}", flush=True)
        self.cluster.pause(node)
        time.sleep(seconds)
        self.cluster.resume(node)
        resumed = time.monotonic()
        self.faults.system.wait_ready(timeout=120)
        return time.monotonic() - resumed

    def replicas_behind(self, timeout: float = 60) -> list[str]:
        """Once the load is over: each quorum queue whose members are not all online, or not all at the
        leader's commit index, after `timeout` (an idle queue's followers catch up within a second)."""
        deadline = time.monotonic() + timeout
        while True:
            behind = [problem for queue in self.quorum_queues() for problem in self._behind(queue)]
            if not behind or time.monotonic() > deadline:
                return behind
            time.sleep(1)

    def _behind(self, queue: dict[str, Any]) -> list[str]:
        name, members = queue["name"], len(self.cluster.nodes)
        if len(queue.get("members", [])) != members or len(queue.get("online", [])) != members:
            return [f"{name}: members {queue.get('members')}, online {queue.get('online')}"]
        status = self._quorum_status(name)
        commits = {row["Node Name"]: row["Commit Index"] for row in status}
        if len(set(commits.values())) > 1:
            return [f"{name}: commit indexes {commits}"]
        return []

    def _quorum_status(self, queue: str) -> list[dict[str, Any]]:
        node: RabbitNode = self.cluster.answering()[0]
        result = subprocess.run(
            [str(BIN / "rabbitmq-queues"), "-n", node.nodename, "quorum_status", queue, "--formatter", "json"],
            env={**os.environ, **node.env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        rows: list[dict[str, Any]] = json.loads(result.stdout)
        return rows

    def leaders(self) -> dict[str, str]:
        """Queue name → the node leading it now."""
        return {queue["name"]: queue["leader"] for queue in self.quorum_queues()}

    def _led_by(self, node: str) -> list[str]:
        return sorted(q["name"] for q in self.quorum_queues() if q["leader"] == node and q["name"] in BUSIEST_QUEUES)

    def _api(self, path: str) -> Any:
        # The session's broker keeps guest (loopback only); any running node answers for the cluster.
        node = self.cluster.answering()[0]
        url = urllib.parse.urljoin(node.management_url, f"api/{path}")
        response = httpx.get(url, auth=("guest", "guest"), timeout=30)
        response.raise_for_status()
        return response.json()
