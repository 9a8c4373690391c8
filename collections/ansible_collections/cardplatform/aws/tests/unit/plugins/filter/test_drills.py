from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cardplatform.aws.plugins.filter.drills import dr_cache_shards_in_zone, dr_nodes, dr_pod_zones
from ansible_collections.cardplatform.aws.plugins.filter.reports import dr_timing


def node(name, zone, group="general", unschedulable=False, provider=True):
    return {
        "metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": zone, "eks.amazonaws.com/nodegroup": group}},
        "spec": {"unschedulable": unschedulable, **({"providerID": f"aws:///{zone}/i-0{name}"} if provider else {})},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }


def pod(name, node_name, namespace="app"):
    return {"metadata": {"name": name, "namespace": namespace}, "spec": {"nodeName": node_name} if node_name else {}}


def test_dr_nodes_reads_zone_group_instance_and_pods():
    nodes = [node("b", "us-east-1b", unschedulable=True), node("a", "us-east-1a", provider=False)]
    pods = [pod("api-2", "a"), pod("api-1", "a"), pod("coredns", "a", "kube-system"), pod("api-3", None)]
    out = dr_nodes(nodes, pods, "app")
    assert [n["name"] for n in out] == ["a", "b"]
    assert out[0] == {"name": "a", "zone": "us-east-1a", "nodegroup": "general", "instance_id": None, "ready": True,
                      "unschedulable": False, "app_pods": ["api-1", "api-2"], "app_pod_count": 2, "pods": 3}
    assert out[1]["instance_id"] == "i-0b" and out[1]["unschedulable"] is True and out[1]["app_pods"] == []
    with pytest.raises(AnsibleFilterError):
        dr_nodes("nodes", [], "app")


def test_dr_pod_zones():
    nodes = [node("a", "us-east-1a")]
    assert dr_pod_zones([pod("p", "a"), pod("q", None), pod("r", "gone")], nodes) == \
        {"p": "us-east-1a", "q": None, "r": None}


def test_dr_timing_splits_aws_kubernetes_and_overhead():
    steps = [
        {"name": "pre-checks", "seconds": 1.0, "finished_epoch": 101.0},
        {"name": "reboot requested", "seconds": 0.5, "finished_epoch": 101.5},
        {"name": "writer available", "seconds": 90.0, "finished_epoch": 191.5, "kind": "aws"},
        {"name": "pods ready", "seconds": 2.0, "finished_epoch": 193.5, "kind": "kubernetes"},
    ]
    assert dr_timing(steps, 100.0) == {"total_seconds": 93.5, "aws_seconds": 90.0, "kubernetes_seconds": 2.0,
                                       "runbook_overhead_seconds": 1.5}
    assert dr_timing([], 5)["runbook_overhead_seconds"] == 0.0


def test_dr_cache_shards_in_zone_with_and_without_roles():
    def member(cid, zone, role=None):
        return {"cache_cluster_id": cid, "preferred_availability_zone": zone, **({"current_role": role} if role else {})}

    group = {"node_groups": [
        {"node_group_id": "0001", "node_group_members": [member("a1", "us-east-1a", "primary"), member("a2", "us-east-1b", "replica")]},
        {"node_group_id": "0002", "node_group_members": [member("b1", "us-east-1b", "primary"), member("b2", "us-east-1a", "replica")]},
        {"node_group_id": "0003", "node_group_members": [member("c1", "us-east-1c"), member("c2", "us-east-1a")]},
        {"node_group_id": "0004", "node_group_members": [member("d1", "us-east-1c"), member("d2", "us-east-1b")]},
    ]}
    out = dr_cache_shards_in_zone(group, "us-east-1a")
    assert [s["node_group_id"] for s in out] == ["0001", "0003"]
    assert out[0]["primary"] == "a1" and out[1]["primary"] is None and "cluster mode" in out[1]["reason"]
    assert dr_cache_shards_in_zone({}, "us-east-1a") == []
