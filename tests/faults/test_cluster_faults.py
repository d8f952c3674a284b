"""Faults of a three-node broker cluster under load: the node leading the busiest queues killed (-9),
then started again to rejoin, and a node paused (SIGSTOP) as a network partition would cut it off.

Same load, same moment (a third of the requests sent) and the same counts as tests/faults/test_faults.py:
every e-mail owed arrived exactly once, no duplicate, every aggregate consistent, every outbox drained,
nothing left in any queue and nothing dead-lettered. The services hold every node's address
(efp_runtime.broker_addresses) and must carry on through the nodes that remain.
"""

import pytest

from tests.faults.cluster_harness import ClusterFaults
from tests.faults.harness import Faults
from tests.faults.test_faults import _free_organisations, _run, _verdict

pytestmark = pytest.mark.faults

PAUSE_SECONDS = 20.0
# Two fresh organisations per scenario, as test_faults.ORGANISATIONS, added to the same pool (each is
# used once in the session): SIRENE sample organisations with two open establishments.
CLUSTER_ORGANISATIONS = [
    ("000030080", "00003008000014", "00003008000022"),
    ("000030098", "00003009800016", "00003009800024"),
    ("000030106", "00003010600017", "00003010600025"),
    ("000030114", "00003011400011", "00003011400029"),
    ("000030122", "00003012200014", "00003012200022"),
    ("000030130", "00003013000017", "00003013000025"),
]
_free_organisations.extend(CLUSTER_ORGANISATIONS)


@pytest.fixture(scope="module")
def cluster_faults(faults: Faults) -> ClusterFaults:
    return ClusterFaults(faults)


def test_the_node_leading_the_busiest_queues_killed_mid_run_loses_and_repeats_nothing(
    cluster_faults: ClusterFaults,
) -> None:
    row = _run("kill -9 busiest broker node", cluster_faults.faults, cluster_faults.kill_busiest_leader)
    _verdict(row)
    lost = cluster_faults.lost
    assert cluster_faults.led, f"{lost} led none of the busiest queues: the scenario lost no leader"
    # The survivors elected new leaders for what the lost node led (it stays down for the next scenario).
    leaders = cluster_faults.leaders()
    assert {queue: leaders[queue] for queue in cluster_faults.led if leaders[queue] == lost} == {}


def test_the_killed_node_restarted_mid_run_rejoins_and_catches_up(cluster_faults: ClusterFaults) -> None:
    if cluster_faults.lost is None:  # run alone: lose the node first, before the load
        cluster_faults.kill_busiest_leader()
    row = _run("broker node restarted, rejoins", cluster_faults.faults, cluster_faults.restart_lost_node)
    behind = cluster_faults.replicas_behind()
    row.problems += [f"replica behind: {problem}" for problem in behind]
    _verdict(row)
    assert behind == []  # every quorum queue has its three members online, at the leader's commit index


def test_a_node_paused_for_20_seconds_loses_and_repeats_nothing(cluster_faults: ClusterFaults) -> None:
    pause = lambda: cluster_faults.pause_busiest_leader(PAUSE_SECONDS)  # noqa: E731
    row = _run(f"broker node SIGSTOP {PAUSE_SECONDS:.0f} s", cluster_faults.faults, pause)
    behind = cluster_faults.replicas_behind()
    row.problems += [f"replica behind: {problem}" for problem in behind]
    _verdict(row)
    assert cluster_faults.led, "the paused node led none of the busiest queues"
    assert behind == []  # the paused node is back in every queue and caught up
