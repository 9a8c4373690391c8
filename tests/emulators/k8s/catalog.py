"""The resource types the emulator serves: built-ins plus whatever CRDs register."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
SERVER_VERSION = {
    "major": "1",
    "minor": "33",
    "gitVersion": "v1.33.1",
    "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T08:19:08Z",
    "goVersion": "go1.24.2",
    "compiler": "gc",
    "platform": "linux/amd64",
    "emulationMajor": "1",
    "emulationMinor": "33",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "32",
}


@dataclass
class ResourceType:
    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: list[str] = field(default_factory=list)
    subresources: tuple[str, ...] = ()
    categories: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=lambda: list(ALL_VERBS))
    custom: bool = False  # served because a CRD registered it
    crd: dict | None = None  # the CRD object for custom resources

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version(self) -> str:
        return self.api_version

    @property
    def gr(self) -> str:
        """Group-qualified resource name as used in error messages ("deployments.apps")."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"

    def discovery(self) -> list[dict]:
        entry = {
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": self.verbs,
            "storageVersionHash": hashlib.sha256(f"{self.group}/{self.kind}".encode()).hexdigest()[:11],
        }
        if self.short_names:
            entry["shortNames"] = self.short_names
        if self.categories:
            entry["categories"] = self.categories
        out = [entry]
        for sub in self.subresources:
            if sub == "eviction":  # policy/v1 Eviction, create only (kubectl drain, k8s_drain)
                out.append(
                    {
                        "name": f"{self.plural}/eviction",
                        "singularName": "",
                        "namespaced": self.namespaced,
                        "group": "policy",
                        "version": "v1",
                        "kind": "Eviction",
                        "verbs": ["create"],
                    }
                )
            elif sub == "scale":
                out.append(
                    {
                        "name": f"{self.plural}/scale",
                        "singularName": "",
                        "namespaced": self.namespaced,
                        "group": "autoscaling",
                        "version": "v1",
                        "kind": "Scale",
                        "verbs": ["get", "patch", "update"],
                    }
                )
            else:
                out.append(
                    {
                        "name": f"{self.plural}/{sub}",
                        "singularName": "",
                        "namespaced": self.namespaced,
                        "kind": self.kind,
                        "verbs": ["get", "patch", "update"],
                    }
                )
        return out


def _rt(group, version, plural, singular, kind, namespaced, short=(), subs=(), cats=(), verbs=None) -> ResourceType:
    return ResourceType(
        group,
        version,
        plural,
        singular,
        kind,
        namespaced,
        list(short),
        tuple(subs),
        list(cats),
        verbs or list(ALL_VERBS),
    )


BUILTINS: list[ResourceType] = [
    _rt(
        "",
        "v1",
        "namespaces",
        "namespace",
        "Namespace",
        False,
        ["ns"],
        ["status", "finalize"],
        verbs=["create", "delete", "get", "list", "patch", "update", "watch"],
    ),
    _rt("", "v1", "configmaps", "configmap", "ConfigMap", True, ["cm"]),
    _rt("", "v1", "secrets", "secret", "Secret", True),
    _rt(
        "",
        "v1",
        "services",
        "service",
        "Service",
        True,
        ["svc"],
        ["status"],
        ["all"],
        verbs=["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
    ),
    _rt("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True, ["sa"]),
    _rt("", "v1", "pods", "pod", "Pod", True, ["po"], ["status", "eviction"], ["all"]),
    _rt("", "v1", "endpoints", "endpoints", "Endpoints", True, ["ep"]),
    _rt("", "v1", "events", "event", "Event", True, ["ev"]),
    _rt(
        "", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", True, ["pvc"], ["status"]
    ),
    _rt("", "v1", "nodes", "node", "Node", False, ["no"], ["status"]),
    _rt("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", True, ["quota"], ["status"]),
    _rt("", "v1", "limitranges", "limitrange", "LimitRange", True, ["limits"]),
    _rt("apps", "v1", "deployments", "deployment", "Deployment", True, ["deploy"], ["status", "scale"], ["all"]),
    _rt("apps", "v1", "replicasets", "replicaset", "ReplicaSet", True, ["rs"], ["status", "scale"], ["all"]),
    _rt("apps", "v1", "statefulsets", "statefulset", "StatefulSet", True, ["sts"], ["status", "scale"], ["all"]),
    _rt("apps", "v1", "daemonsets", "daemonset", "DaemonSet", True, ["ds"], ["status"], ["all"]),
    _rt(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        True,
        ["hpa"],
        ["status"],
        ["all"],
    ),
    _rt(
        "autoscaling",
        "v1",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        "HorizontalPodAutoscaler",
        True,
        ["hpa"],
        ["status"],
        ["all"],
    ),
    _rt(
        "policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", True, ["pdb"], ["status"]
    ),
    _rt("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", True, ["ing"], ["status"]),
    _rt("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", True, ["netpol"]),
    _rt("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", False),
    _rt("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True),
    _rt("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True),
    _rt("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", False),
    _rt("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", False),
    _rt("batch", "v1", "jobs", "job", "Job", True, [], ["status"], ["all"]),
    _rt("batch", "v1", "cronjobs", "cronjob", "CronJob", True, ["cj"], ["status"], ["all"]),
    _rt("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", False, ["sc"]),
    _rt(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "customresourcedefinition",
        "CustomResourceDefinition",
        False,
        ["crd", "crds"],
        ["status"],
    ),
]

# Kinds whose metadata.generation the API server maintains (custom resources always have it).
GENERATION_KINDS = {
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Ingress",
    "NetworkPolicy",
    "IngressClass",
    "CustomResourceDefinition",
}
# Preferred version per group (first listed wins in /apis).
PREFERRED = {"autoscaling": "v2"}


class Catalog:
    """Thread-safe registry of served resource types."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._types: list[ResourceType] = list(BUILTINS)

    def all(self) -> list[ResourceType]:
        with self._lock:
            return list(self._types)

    def group_versions(self) -> dict[str, list[str]]:
        """{group: [versions, preferred first]} for every named group."""
        out: dict[str, list[str]] = {}
        for rt in self.all():
            if rt.group and rt.version not in out.setdefault(rt.group, []):
                out[rt.group].append(rt.version)
        for group, versions in out.items():
            pref = PREFERRED.get(group)
            if pref in versions:
                versions.remove(pref)
                versions.insert(0, pref)
        return out

    def in_gv(self, group: str, version: str) -> list[ResourceType]:
        return [rt for rt in self.all() if rt.group == group and rt.version == version]

    def find(self, group: str, version: str, plural: str) -> ResourceType | None:
        for rt in self.all():
            if rt.group == group and rt.version == version and rt.plural == plural:
                return rt
        return None

    def by_kind(self, api_version: str, kind: str) -> ResourceType | None:
        for rt in self.all():
            if rt.api_version == api_version and rt.kind == kind:
                return rt
        return None

    def storage_type(self, rt: ResourceType) -> ResourceType:
        """All versions of one group/plural share one store; the first registered is canonical."""
        for other in self.all():
            if other.group == rt.group and other.plural == rt.plural:
                return other
        return rt

    def register_crd(self, crd: dict) -> list[ResourceType]:
        spec = crd.get("spec", {})
        names = spec.get("names", {})
        group = spec.get("group", "")
        added = []
        with self._lock:
            self.unregister_crd(crd)
            for ver in spec.get("versions", []):
                if not ver.get("served", True):
                    continue
                subs = []
                subspec = ver.get("subresources") or spec.get("subresources") or {}
                if "status" in subspec:
                    subs.append("status")
                if "scale" in subspec:
                    subs.append("scale")
                rt = ResourceType(
                    group,
                    ver["name"],
                    names.get("plural", ""),
                    names.get("singular") or names.get("kind", "").lower(),
                    names.get("kind", ""),
                    spec.get("scope", "Namespaced") == "Namespaced",
                    list(names.get("shortNames") or []),
                    tuple(subs),
                    list(names.get("categories") or []),
                    custom=True,
                    crd=crd,
                )
                # storage version first so storage_type() picks it
                if ver.get("storage"):
                    self._types.insert(len(BUILTINS), rt)
                else:
                    self._types.append(rt)
                added.append(rt)
        return added

    def unregister_crd(self, crd: dict) -> None:
        spec = crd.get("spec", {})
        group = spec.get("group", "")
        plural = spec.get("names", {}).get("plural", "")
        with self._lock:
            self._types = [rt for rt in self._types if not (rt.custom and rt.group == group and rt.plural == plural)]
