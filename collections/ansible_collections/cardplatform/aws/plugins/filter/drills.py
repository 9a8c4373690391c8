# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters for the node and AZ drills of playbooks/disaster_recovery.yml (node_failure,
az_evacuation, az_restore): what runs where, read from Node and Pod objects (kubernetes.core.k8s_info)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

ZONE_LABEL = "topology.kubernetes.io/zone"
NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup"


def _ready(obj, kind="Ready"):
    return any(c.get("type") == kind and c.get("status") == "True"
               for c in ((obj or {}).get("status") or {}).get("conditions") or [])


def dr_nodes(nodes, pods, namespace):
    """One entry per Node, sorted by name: name, zone, nodegroup, instance_id (from the
    providerID aws:///<az>/<instance id>, else None), ready, unschedulable, and the pods bound
    to it: app_pods (names in `namespace`, sorted) and app_pod_count, pods (count of every namespace)."""
    if not isinstance(nodes, list) or not isinstance(pods, list):
        raise AnsibleFilterError("dr_nodes: nodes and pods must be lists of Kubernetes objects")
    out = []
    for node in sorted(nodes, key=lambda n: n["metadata"]["name"]):
        name = node["metadata"]["name"]
        labels = node["metadata"].get("labels") or {}
        provider = (node.get("spec") or {}).get("providerID") or ""
        bound = [p for p in pods if (p.get("spec") or {}).get("nodeName") == name]
        out.append({
            "name": name,
            "zone": labels.get(ZONE_LABEL),
            "nodegroup": labels.get(NODEGROUP_LABEL),
            "instance_id": provider.rsplit("/", 1)[-1] if provider.startswith("aws://") else None,
            "ready": _ready(node),
            "unschedulable": bool((node.get("spec") or {}).get("unschedulable")),
            "app_pods": sorted(p["metadata"]["name"] for p in bound if p["metadata"].get("namespace") == namespace),
            "app_pod_count": sum(1 for p in bound if p["metadata"].get("namespace") == namespace),
            "pods": len(bound),
        })
    return out


def dr_pod_zones(pods, nodes):
    """{pod name: zone of its node} for the pods (None when unscheduled or the node is gone)."""
    zone_of = {n["metadata"]["name"]: (n["metadata"].get("labels") or {}).get(ZONE_LABEL) for n in nodes or []}
    return {p["metadata"]["name"]: zone_of.get((p.get("spec") or {}).get("nodeName")) for p in pods or []}


def dr_cache_shards_in_zone(group, zone):
    """The node groups (shards) of a replication group (DescribeReplicationGroups, snake_case)
    whose primary may sit in `zone`: [{node_group_id, primary, primary_zone, reason}]. Where AWS
    reports member roles (cluster mode disabled: current_role), a shard is listed when its
    primary is in the zone; where it does not (cluster mode enabled), when any member is in the
    zone, since the primary may be that member."""
    out = []
    for shard in (group or {}).get("node_groups") or []:
        members = shard.get("node_group_members") or []
        primary = next((m for m in members if m.get("current_role") == "primary"), None)
        if primary is not None:
            if primary.get("preferred_availability_zone") == zone:
                out.append({"node_group_id": shard.get("node_group_id"), "primary": primary.get("cache_cluster_id"),
                            "primary_zone": zone, "reason": f"its primary {primary.get('cache_cluster_id')} is in {zone}"})
        elif any(m.get("preferred_availability_zone") == zone for m in members):
            out.append({"node_group_id": shard.get("node_group_id"), "primary": None, "primary_zone": None,
                        "reason": f"a member is in {zone} and AWS does not report which member is the primary "
                                  "(cluster mode): it may be"})
    return out


class FilterModule:
    def filters(self):
        return {"dr_nodes": dr_nodes, "dr_pod_zones": dr_pod_zones, "dr_cache_shards_in_zone": dr_cache_shards_in_zone}
