"""helm (the project's pinned v3.18.0, .venv/bin/helm) end to end against the Kubernetes emulator and
its chart repository of stand-in charts (/charts/<repo>/, k8s/charts.py): install, upgrade, values,
list, history, rollback, status, uninstall; the three add-on charts with the values the roles set,
read back from the objects. Both emulators start once, on free ports (about 40 s)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
HELM = str(BIN / "helm")
KUBECTL = str(BIN / "kubectl")

sys.path.insert(0, str(HERE))
from k8s import protobuf  # noqa: E402
from test_k8s_eso import wait_for  # noqa: E402
from helpers import CTL, private_emulators  # noqa: E402

PINNED = {
    "eks-charts": ("aws-load-balancer-controller", "1.14.0", "v2.14.0"),
    "autoscaler": ("cluster-autoscaler", "9.50.1", "1.34.0"),
    "external-secrets": ("external-secrets", "2.10.0", "v2.10.0"),
}
ROLE_ARN = "arn:aws:iam::123456789012:role/platform-addon"
IRSA = "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=" + ROLE_ARN


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    state = tmp_path_factory.mktemp("helm")
    # an empty cluster: the external-secrets chart installs the ESO CRDs itself
    with private_emulators(state, K8S_EMULATOR_CRDS="") as env:
        helm_env = {
            **env,
            "KUBECONFIG": str(state / "kubeconfig"),
            "HELM_CACHE_HOME": str(state / "helm" / "cache"),
            "HELM_CONFIG_HOME": str(state / "helm" / "config"),
            "HELM_DATA_HOME": str(state / "helm" / "data"),
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        }
        yield {"env": helm_env, "charts": f"http://127.0.0.1:{env['K8S_EMULATOR_PORT']}/charts", "ctl_env": env}


def helm(cluster, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [HELM, *args], env=cluster["env"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0 or not check, f"helm {' '.join(args)}: {result.stderr}"
    return result


def get(cluster, kind: str, name: str = "", namespace: str = "", selector: str = "") -> dict | None:
    """An object (None when absent) or, without a name, the list's items."""
    argv = [KUBECTL, "get", kind, *([name] if name else []), "-o", "json"]
    argv += ["-n", namespace] if namespace else []
    argv += ["-l", selector] if selector else []
    result = subprocess.run(argv, env=cluster["env"], capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0 and "NotFound" in result.stderr:
        return None
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    return doc if name else doc["items"]


def release_secrets(cluster, name: str, namespace: str) -> dict[str, dict]:
    items = get(cluster, "secrets", namespace=namespace, selector=f"owner=helm,name={name}")
    return {s["metadata"]["name"]: s["metadata"]["labels"] for s in items}


def addon(cluster, deployment: str, namespace: str, service_account: str, replicas: int) -> tuple[dict, dict]:
    """(Deployment, its container) after checking what every add-on chart makes: the Deployment
    rolled out with `replicas`, running as `service_account`, which carries the IRSA role."""
    sa = get(cluster, "serviceaccount", service_account, namespace)
    assert sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == ROLE_ARN
    deploy = get(cluster, "deployment", deployment, namespace)
    assert deploy["spec"]["replicas"] == replicas and deploy["status"]["readyReplicas"] == replicas
    assert deploy["spec"]["template"]["spec"]["serviceAccountName"] == service_account
    return deploy, deploy["spec"]["template"]["spec"]["containers"][0]


# ------------------------------------------------------------------ DeleteOptions (helm uninstall's body)
def _key(num: int, wire: int) -> bytes:
    return bytes([num << 3 | wire])


def _str(num: int, text: str) -> bytes:
    raw = text.encode()
    return _key(num, 2) + bytes([len(raw)]) + raw


def _msg(num: int, raw: bytes) -> bytes:
    return _key(num, 2) + bytes([len(raw)]) + raw


def delete_options(api_version: str, *, grace=0, orphan=False, pre=None, policy="Background", dry_run=()) -> bytes:
    """A protobuf DeleteOptions as client-go sends it (short fields only: one-byte lengths)."""
    body = _key(1, 0) + bytes([grace])
    if pre is not None:
        body += _msg(2, b"".join(_str(n, pre[k]) for n, k in ((1, "uid"), (2, "resourceVersion")) if k in pre))
    body += _key(3, 0) + bytes([int(orphan)]) + _str(4, policy) + b"".join(_str(5, d) for d in dry_run)
    unknown = _msg(1, _str(1, api_version) + _str(2, "DeleteOptions")) + _msg(2, body)
    return protobuf.MAGIC + unknown


@pytest.mark.parametrize("api_version", ["v1", "meta.k8s.io/v1"])
def test_protobuf_delete_options_decode(api_version):
    pre = {"uid": "u-1", "resourceVersion": "7"}
    raw = delete_options(api_version, grace=30, orphan=True, pre=pre, policy="Foreground", dry_run=["All"])
    assert protobuf.decode(raw) == {
        "apiVersion": api_version,
        "kind": "DeleteOptions",
        "gracePeriodSeconds": 30,
        "preconditions": {"uid": "u-1", "resourceVersion": "7"},
        "orphanDependents": True,
        "propagationPolicy": "Foreground",
        "dryRun": ["All"],
    }


def test_protobuf_delete_options_reach_the_delete(cluster):
    """The decoded body is used: dryRun keeps the object, a uid precondition that does not match is a 409."""
    subprocess.run(
        [KUBECTL, "create", "configmap", "pb-delete", "-n", "default"], env=cluster["env"], check=True, timeout=30
    )
    url = cluster["charts"].replace("/charts", "/api/v1/namespaces/default/configmaps/pb-delete")

    def delete(body: bytes) -> int:
        req = urllib.request.Request(
            url, data=body, method="DELETE", headers={"Content-Type": "application/vnd.kubernetes.protobuf"}
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code

    assert delete(delete_options("v1", dry_run=["All"])) == 200
    assert get(cluster, "configmap", "pb-delete", "default") is not None
    assert delete(delete_options("meta.k8s.io/v1", pre={"uid": "not-the-uid"})) == 409
    uid = get(cluster, "configmap", "pb-delete", "default")["metadata"]["uid"]
    assert delete(delete_options("v1", pre={"uid": uid})) == 200
    assert get(cluster, "configmap", "pb-delete", "default") is None


# ------------------------------------------------------------------ the chart repository
def test_chart_repository_serves_indexes_and_packages(cluster):
    for repo, (chart, version, app_version) in PINNED.items():
        with urllib.request.urlopen(f"{cluster['charts']}/{repo}/index.yaml", timeout=10) as resp:
            index = yaml.safe_load(resp.read())
        (entry,) = index["entries"][chart]
        assert (entry["version"], entry["appVersion"], entry["apiVersion"]) == (version, app_version, "v2")
        assert "stand-in" in entry["description"].lower() and "emulator harness" in entry["description"]
        assert entry["urls"] == [f"{cluster['charts']}/{repo}/{chart}-{version}.tgz"]
        with urllib.request.urlopen(entry["urls"][0], timeout=10) as resp:
            assert hashlib.sha256(resp.read()).hexdigest() == entry["digest"]
        head = urllib.request.Request(entry["urls"][0], method="HEAD")
        with urllib.request.urlopen(head, timeout=10) as resp:
            assert resp.status == 200 and resp.read() == b""
    for path, method in [
        ("/eks-charts/nope-1.0.0.tgz", "GET"),
        ("/no-repo/index.yaml", "GET"),
        ("/", "GET"),
        ("/eks-charts", "GET"),
        ("/eks-charts/../autoscaler/index.yaml", "GET"),
        ("/eks-charts/index.yaml", "POST"),
        ("/eks-charts/index.yaml", "DELETE"),
    ]:
        req = urllib.request.Request(cluster["charts"] + path, data=b"{}" if method == "POST" else None, method=method)
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 404, (path, method)


def test_ctl_status_names_the_chart_repository(cluster):
    out = subprocess.run(
        [*CTL, "status"], env=cluster["ctl_env"], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    assert f"chart repository {cluster['charts']}/<repo> (autoscaler, eks-charts, external-secrets)" in out


def test_search_repo_and_show_chart_list_the_pinned_versions(cluster):
    for repo in PINNED:
        helm(cluster, "repo", "add", f"emu-{repo}", f"{cluster['charts']}/{repo}")
    found = json.loads(helm(cluster, "search", "repo", "emu-", "-o", "json").stdout)
    assert {(r["name"], r["version"], r["app_version"]) for r in found} == {
        (f"emu-{repo}/{chart}", version, app) for repo, (chart, version, app) in PINNED.items()
    }
    for repo, (chart, version, app) in PINNED.items():
        shown = yaml.safe_load(
            helm(cluster, "show", "chart", "--repo", f"{cluster['charts']}/{repo}", chart, "--version", version).stdout
        )
        assert (shown["name"], shown["version"], shown["appVersion"]) == (chart, version, app)


# ------------------------------------------------------------------ the release lifecycle
def test_release_lifecycle(cluster):
    """install -> upgrade -> rollback -> uninstall, with the release Secrets and the chart's objects read back."""
    chart = ["aws-load-balancer-controller", "--repo", f"{cluster['charts']}/eks-charts", "--version", "1.14.0"]
    rel, ns = "lifecycle", "lifecycle"
    base = ["--set", "clusterName=lifecycle", "--set", "ingressClass=alb-lifecycle", "--wait", "--timeout", "60s"]
    helm(cluster, "install", "--create-namespace", "-n", ns, rel, *chart, *base)
    secrets = release_secrets(cluster, rel, ns)
    assert list(secrets) == [f"sh.helm.release.v1.{rel}.v1"]
    labels = secrets[f"sh.helm.release.v1.{rel}.v1"]
    assert (labels["owner"], labels["status"], labels["version"]) == ("helm", "deployed", "1")
    assert get(cluster, "secret", f"sh.helm.release.v1.{rel}.v1", ns)["type"] == "helm.sh/release.v1"
    deploy = get(cluster, "deployment", "lifecycle-aws-load-balancer-controller", ns)
    assert deploy["status"]["readyReplicas"] == 2  # --wait returned after the rollout

    helm(cluster, "upgrade", "-n", ns, rel, *chart, *base, "--set", "replicaCount=1")
    deploy = get(cluster, "deployment", "lifecycle-aws-load-balancer-controller", ns)
    assert deploy["spec"]["replicas"] == 1 and deploy["status"]["readyReplicas"] == 1
    values = json.loads(helm(cluster, "get", "values", "-n", ns, rel, "-o", "json").stdout)
    assert values == {"clusterName": "lifecycle", "ingressClass": "alb-lifecycle", "replicaCount": 1}
    listed = json.loads(helm(cluster, "list", "-A", "-o", "json").stdout)
    mine = next(r for r in listed if r["name"] == rel)
    assert (mine["namespace"], mine["revision"], mine["status"]) == (ns, "2", "deployed")
    assert mine["chart"] == "aws-load-balancer-controller-1.14.0" and mine["app_version"] == "v2.14.0"

    helm(cluster, "rollback", "-n", ns, rel, "1", "--wait", "--timeout", "60s")
    history = json.loads(helm(cluster, "history", "-n", ns, rel, "-o", "json").stdout)
    assert [(h["revision"], h["status"]) for h in history] == [(1, "superseded"), (2, "superseded"), (3, "deployed")]
    assert history[2]["description"] == "Rollback to 1"
    assert get(cluster, "deployment", "lifecycle-aws-load-balancer-controller", ns)["spec"]["replicas"] == 2
    status = json.loads(helm(cluster, "status", "-n", ns, rel, "-o", "json").stdout)
    assert (status["version"], status["info"]["status"], status["namespace"]) == (3, "deployed", ns)
    states = {n: (lb["status"], lb["owner"]) for n, lb in release_secrets(cluster, rel, ns).items()}
    assert states == {
        f"sh.helm.release.v1.{rel}.v1": ("superseded", "helm"),
        f"sh.helm.release.v1.{rel}.v2": ("superseded", "helm"),
        f"sh.helm.release.v1.{rel}.v3": ("deployed", "helm"),
    }

    helm(cluster, "uninstall", "-n", ns, rel, "--wait", "--timeout", "60s")
    assert release_secrets(cluster, rel, ns) == {}
    assert get(cluster, "deployment", "lifecycle-aws-load-balancer-controller", ns) is None
    assert get(cluster, "serviceaccount", "aws-load-balancer-controller", ns) is None
    assert get(cluster, "clusterrole", "lifecycle-aws-load-balancer-controller-role") is None
    assert get(cluster, "ingressclass", "alb-lifecycle") is None
    # the Deployment's ReplicaSets and Pods are garbage-collected (background propagation)
    assert wait_for(lambda: not get(cluster, "replicasets", namespace=ns) and not get(cluster, "pods", namespace=ns))
    assert "not found" in helm(cluster, "status", "-n", ns, rel, check=False).stderr


# ------------------------------------------------------------------ the stand-in charts with the roles' values
def test_load_balancer_controller_chart_honours_the_values(cluster):
    helm(
        cluster, "upgrade", "--install", "-n", "kube-system", "aws-load-balancer-controller",
        "aws-load-balancer-controller", "--repo", f"{cluster['charts']}/eks-charts", "--version", "1.14.0",
        "--set", "clusterName=payments-local", "--set", "region=eu-west-1", "--set", "vpcId=vpc-0abc",
        "--set-string", IRSA, "--wait", "--timeout", "60s",
    )  # fmt: skip
    name = "aws-load-balancer-controller"
    deploy, main = addon(cluster, name, "kube-system", name, 2)
    assert deploy["metadata"]["labels"]["app.kubernetes.io/name"] == name
    assert deploy["metadata"]["labels"]["app.kubernetes.io/instance"] == name
    assert main["name"] == name
    assert main["args"] == [
        "--cluster-name=payments-local",
        "--ingress-class=alb",
        "--aws-region=eu-west-1",
        "--aws-vpc-id=vpc-0abc",
    ]
    assert get(cluster, "ingressclass", "alb")["spec"]["controller"] == "ingress.k8s.aws/alb"
    binding = get(cluster, "clusterrolebinding", "aws-load-balancer-controller-rolebinding")
    assert binding["roleRef"]["name"] == "aws-load-balancer-controller-role"
    assert get(cluster, "clusterrole", "aws-load-balancer-controller-role")["rules"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "aws-load-balancer-controller", "namespace": "kube-system"}
    ]


def test_load_balancer_controller_chart_requires_a_cluster_name(cluster):
    result = helm(
        cluster, "install", "-n", "kube-system", "no-cluster-name", "aws-load-balancer-controller",
        "--repo", f"{cluster['charts']}/eks-charts", "--version", "1.14.0", check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Chart cannot be installed without a valid clusterName!" in result.stderr
    assert release_secrets(cluster, "no-cluster-name", "kube-system") == {}


def test_cluster_autoscaler_chart_honours_the_values(cluster):
    repo = ["--repo", f"{cluster['charts']}/autoscaler", "--version", "9.50.1"]
    failed = helm(cluster, "install", "-n", "kube-system", "ca", "cluster-autoscaler", *repo, check=False)
    assert failed.returncode != 0 and "autoDiscovery.clusterName" in failed.stderr
    helm(
        cluster, "upgrade", "--install", "-n", "kube-system", "cluster-autoscaler", "cluster-autoscaler", *repo,
        "--set", "autoDiscovery.clusterName=payments-local", "--set", "awsRegion=eu-west-1",
        "--set", "extraArgs.balance-similar-node-groups=true", "--set", "extraArgs.expander=least-waste",
        "--set-string", "rbac." + IRSA, "--wait", "--timeout", "60s",
    )  # fmt: skip
    name = "cluster-autoscaler-aws-cluster-autoscaler"
    _deploy, main = addon(cluster, name, "kube-system", name, 1)
    assert main["image"] == "registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.0"
    assert main["command"] == [
        "./cluster-autoscaler",
        "--cloud-provider=aws",
        "--namespace=kube-system",
        "--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,"
        "k8s.io/cluster-autoscaler/payments-local",
        "--balance-similar-node-groups=true",
        "--expander=least-waste",
    ]
    assert main["env"] == [{"name": "AWS_REGION", "value": "eu-west-1"}]
    binding = get(cluster, "clusterrolebinding", name)
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": name, "namespace": "kube-system"}]
    # rbac.serviceAccount.name overrides the default name
    helm(
        cluster, "upgrade", "-n", "kube-system", "cluster-autoscaler", "cluster-autoscaler", *repo, "--reuse-values",
        "--set", "rbac.serviceAccount.name=cluster-autoscaler", "--wait", "--timeout", "60s",
    )  # fmt: skip
    deploy = get(cluster, "deployment", name, "kube-system")
    assert deploy["spec"]["template"]["spec"]["serviceAccountName"] == "cluster-autoscaler"
    assert get(cluster, "serviceaccount", "cluster-autoscaler", "kube-system") is not None
    assert get(cluster, "serviceaccount", name, "kube-system") is None


def test_external_secrets_chart_installs_the_crds_and_the_controller(cluster):
    crds = ["externalsecrets.external-secrets.io", "secretstores.external-secrets.io"]
    crds.append("clustersecretstores.external-secrets.io")
    assert all(get(cluster, "crd", crd) is None for crd in crds)
    helm(
        cluster, "upgrade", "--install", "--create-namespace", "-n", "external-secrets", "external-secrets",
        "external-secrets", "--repo", f"{cluster['charts']}/external-secrets", "--version", "2.10.0",
        "--set-string", IRSA, "--wait", "--timeout", "60s",
    )  # fmt: skip
    for crd in crds:
        assert get(cluster, "crd", crd)["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    addon(cluster, "external-secrets", "external-secrets", "external-secrets", 1)
    # the CRDs the chart made are served, and the emulator's ESO simulation picks up stores
    store = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ClusterSecretStore",
        "metadata": {"name": "platform"},
        "spec": {"provider": {"aws": {"service": "SecretsManager", "region": "us-east-1"}}},
    }
    subprocess.run(
        [KUBECTL, "apply", "-f", "-"], input=json.dumps(store), env=cluster["env"], text=True, check=True, timeout=30
    )

    def store_ready():
        conditions = (get(cluster, "clustersecretstore", "platform").get("status") or {}).get("conditions") or []
        return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)

    assert wait_for(store_ready)
    # installCRDs=false: the chart leaves CRDs to someone else
    rendered = helm(
        cluster, "template", "x", "external-secrets", "--repo", f"{cluster['charts']}/external-secrets",
        "--version", "2.10.0", "--set", "installCRDs=false",
    ).stdout  # fmt: skip
    assert "CustomResourceDefinition" not in rendered and "kind: Deployment" in rendered
    helm(cluster, "uninstall", "-n", "external-secrets", "external-secrets", "--wait", "--timeout", "60s")
    assert all(get(cluster, "crd", crd) is None for crd in crds)
    assert get(cluster, "deployment", "external-secrets", "external-secrets") is None
