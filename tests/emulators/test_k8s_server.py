"""The Kubernetes API emulator, exercised with the clients the project uses: kubectl, the python
`kubernetes` dynamic client (what kubernetes.core builds on) and kubernetes.core itself."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BIN = Path(sys.executable).parent
KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(port: int, kubeconfig: Path, log: Path, **env: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "k8s_server.py"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--kubeconfig",
            str(kubeconfig),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "emulator did not listen"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def emu(tmp_path_factory):
    state = tmp_path_factory.mktemp("k8s")
    port = free_port()
    kubeconfig = state / "kubeconfig"
    proc = start(port, kubeconfig, state / "k8s.log", K8S_EMULATOR_ROLLOUT_DELAY="0.3")
    yield {"port": port, "kubeconfig": kubeconfig, "url": f"http://127.0.0.1:{port}", "state": state}
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


def http(emu, method: str, path: str, body=None, ctype: str = "application/json", accept: str = "application/json"):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        emu["url"] + path, data=data, method=method, headers={"Content-Type": ctype, "Accept": accept}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def kubectl(emu, *args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [KUBECTL, "--kubeconfig", str(emu["kubeconfig"]), *args],
        input=stdin,
        text=True,
        capture_output=True,
        timeout=60,
    )
    if check:
        assert proc.returncode == 0, f"kubectl {' '.join(args)}: {proc.stdout}{proc.stderr}"
    return proc


def deployment(name: str, ns: str, image: str = "nginx:1.27", replicas: int = 2, **spec) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            **spec,
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "app", "image": image, "ports": [{"containerPort": 8080}]}]},
            },
        },
    }


# --------------------------------------------------------------------------- process, kubeconfig, discovery
def test_kubeconfig_discovery_and_errors(emu):
    config = yaml.safe_load(emu["kubeconfig"].read_text())
    assert config["current-context"] == "emulator"
    assert config["clusters"][0]["cluster"]["server"] == emu["url"]
    assert config["users"][0]["user"]["token"]

    assert http(emu, "GET", "/version")[1]["gitVersion"].startswith("v1.33.")
    assert http(emu, "GET", "/api")[1]["versions"] == ["v1"]
    groups = {g["name"]: g for g in http(emu, "GET", "/apis")[1]["groups"]}
    assert {
        "apps",
        "autoscaling",
        "policy",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "batch",
        "apiextensions.k8s.io",
    } <= set(groups)
    assert groups["autoscaling"]["preferredVersion"]["version"] == "v2"
    apps = {r["name"]: r for r in http(emu, "GET", "/apis/apps/v1")[1]["resources"]}
    assert apps["deployments"]["kind"] == "Deployment" and apps["deployments"]["namespaced"] is True
    assert apps["deployments"]["shortNames"] == ["deploy"] and "watch" in apps["deployments"]["verbs"]
    assert apps["deployments/scale"]["kind"] == "Scale" and apps["deployments/scale"]["group"] == "autoscaling"
    assert "deployments/status" in apps
    core = {r["name"]: r for r in http(emu, "GET", "/api/v1")[1]["resources"]}
    assert core["namespaces"]["namespaced"] is False and core["secrets"]["namespaced"] is True
    assert "apis/apps/v1" in http(emu, "GET", "/openapi/v3")[1]["paths"]
    assert http(emu, "GET", "/openapi/v2")[0] == 404

    code, status = http(emu, "GET", "/apis/apps/v1/namespaces/default/deployments/nope")
    assert code == 404
    assert status == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'deployments.apps "nope" not found',
        "reason": "NotFound",
        "details": {"name": "nope", "group": "apps", "kind": "deployments"},
        "code": 404,
    }
    code, status = http(emu, "POST", "/api/v1/namespaces/default/configmaps/x", {"metadata": {"name": "x"}})
    assert (code, status["reason"]) == (405, "MethodNotAllowed")
    code, status = http(emu, "POST", "/api/v1/namespaces/missing/configmaps", {"metadata": {"name": "x"}})
    assert (code, status["reason"], status["message"]) == (404, "NotFound", 'namespaces "missing" not found')
    bad = deployment("bad", "default")
    bad["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    code, status = http(emu, "POST", "/apis/apps/v1/namespaces/default/deployments", bad)
    assert (code, status["reason"]) == (422, "Invalid") and "does not match template" in status["message"]


# --------------------------------------------------------------------------- kubectl
@needs_kubectl
def test_kubectl_apply_get_describe(emu, tmp_path):
    assert "created" in kubectl(emu, "create", "ns", "kc").stdout
    assert "kc" in kubectl(emu, "get", "ns").stdout
    manifest = tmp_path / "app.yaml"
    manifest.write_text(
        yaml.safe_dump_all(
            [
                deployment("web", "kc", replicas=3),
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": "web", "namespace": "kc"},
                    "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
                },
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "cfg", "namespace": "kc"},
                    "data": {"DB_HOST": "db.local"},
                },
            ]
        )
    )
    first = kubectl(emu, "apply", "-f", str(manifest)).stdout
    assert "deployment.apps/web created" in first and "service/web created" in first
    second = kubectl(emu, "apply", "-f", str(manifest)).stdout
    assert second.count("unchanged") == 3, second
    kubectl(emu, "rollout", "status", "deploy/web", "-n", "kc", "--timeout=20s")
    dep = json.loads(kubectl(emu, "get", "deploy", "web", "-n", "kc", "-o", "json").stdout)
    assert dep["metadata"]["generation"] == 1 and dep["metadata"]["uid"]
    assert dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert dep["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    assert (dep["spec"]["revisionHistoryLimit"], dep["spec"]["progressDeadlineSeconds"]) == (10, 600)
    assert dep["status"]["observedGeneration"] == 1
    assert (dep["status"]["replicas"], dep["status"]["readyReplicas"], dep["status"]["availableReplicas"]) == (3, 3, 3)
    progressing = next(c for c in dep["status"]["conditions"] if c["type"] == "Progressing")
    assert progressing["reason"] == "NewReplicaSetAvailable"
    table = kubectl(emu, "get", "deploy", "-n", "kc").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert table[1].split()[:4] == ["web", "3/3", "3", "3"]
    svc = json.loads(kubectl(emu, "get", "svc", "web", "-n", "kc", "-o", "json").stdout)
    assert svc["spec"]["clusterIP"].startswith("10.9") and svc["spec"]["ports"][0]["protocol"] == "TCP"
    pods = kubectl(emu, "get", "pods", "-n", "kc", "-l", "app=web", "--no-headers").stdout.splitlines()
    assert len(pods) == 3 and all("1/1" in p and "Running" in p for p in pods)
    described = kubectl(emu, "describe", "deploy", "web", "-n", "kc").stdout
    assert "NewReplicaSetAvailable" in described and "ScalingReplicaSet" in described
    assert "3 desired | 3 updated | 3 total | 3 available" in described


@needs_kubectl
def test_kubectl_rollout_undo_scale_delete(emu):
    kubectl(emu, "create", "ns", "ro")
    kubectl(emu, "apply", "-f", "-", stdin=json.dumps(deployment("api", "ro", replicas=4)))
    kubectl(emu, "rollout", "status", "deploy/api", "-n", "ro", "--timeout=20s")
    kubectl(emu, "set", "image", "deploy/api", "app=nginx:1.28", "-n", "ro")
    kubectl(emu, "annotate", "deploy/api", "-n", "ro", "kubernetes.io/change-cause=release 1.28")
    out = kubectl(emu, "rollout", "status", "deploy/api", "-n", "ro", "--timeout=20s").stdout
    assert 'deployment "api" successfully rolled out' in out
    history = kubectl(emu, "rollout", "history", "deploy/api", "-n", "ro").stdout
    assert "release 1.28" in history and history.strip().splitlines()[-1].split()[0] == "2"
    assert "rolled back" in kubectl(emu, "rollout", "undo", "deploy/api", "-n", "ro").stdout
    kubectl(emu, "rollout", "status", "deploy/api", "-n", "ro", "--timeout=20s")
    dep = json.loads(kubectl(emu, "get", "deploy", "api", "-n", "ro", "-o", "json").stdout)
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    rs = json.loads(kubectl(emu, "get", "rs", "-n", "ro", "-o", "json").stdout)["items"]
    assert sorted(r["spec"]["replicas"] for r in rs) == [0, 4]
    assert all(r["kind"] == "ReplicaSet" and r["metadata"]["labels"]["pod-template-hash"] for r in rs)

    assert "scaled" in kubectl(emu, "scale", "deploy/api", "-n", "ro", "--replicas=6").stdout
    kubectl(emu, "rollout", "status", "deploy/api", "-n", "ro", "--timeout=20s")
    dep = json.loads(kubectl(emu, "get", "deploy", "api", "-n", "ro", "-o", "json").stdout)
    assert (dep["spec"]["replicas"], dep["status"]["availableReplicas"], dep["metadata"]["generation"]) == (6, 6, 4)

    assert 'deployment.apps "api" deleted' in kubectl(emu, "delete", "deploy", "api", "-n", "ro").stdout
    assert kubectl(emu, "get", "rs,pods", "-n", "ro", "-o", "name").stdout.strip() == ""
    kubectl(emu, "delete", "ns", "ro")
    assert kubectl(emu, "get", "ns", "ro", check=False).returncode != 0


@needs_kubectl
def test_never_ready_image_exceeds_progress_deadline(emu):
    kubectl(emu, "create", "ns", "bad")
    kubectl(emu, "apply", "-f", "-", stdin=json.dumps(deployment("jit", "bad", replicas=4, progressDeadlineSeconds=2)))
    kubectl(emu, "rollout", "status", "deploy/jit", "-n", "bad", "--timeout=20s")
    kubectl(emu, "set", "image", "deploy/jit", "app=nginx:never-ready", "-n", "bad")
    started = time.monotonic()
    res = kubectl(emu, "rollout", "status", "deploy/jit", "-n", "bad", "--timeout=20s", check=False)
    assert res.returncode == 1 and "exceeded its progress deadline" in res.stderr
    assert time.monotonic() - started < 10
    status = json.loads(kubectl(emu, "get", "deploy", "jit", "-n", "bad", "-o", "json").stdout)["status"]
    cond = {c["type"]: c for c in status["conditions"]}
    assert (cond["Progressing"]["status"], cond["Progressing"]["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert cond["Available"]["status"] == "True"  # the old pods still serve
    assert (status["updatedReplicas"], status["availableReplicas"], status["unavailableReplicas"]) == (2, 3, 2)
    kubectl(emu, "rollout", "undo", "deploy/jit", "-n", "bad")
    kubectl(emu, "rollout", "status", "deploy/jit", "-n", "bad", "--timeout=20s")


@needs_kubectl
def test_crd_registers_served_resource(emu, tmp_path):
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "externalsecrets.external-secrets.io"},
        "spec": {
            "group": "external-secrets.io",
            "scope": "Namespaced",
            "names": {
                "plural": "externalsecrets",
                "singular": "externalsecret",
                "kind": "ExternalSecret",
                "shortNames": ["es"],
            },
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                    "additionalPrinterColumns": [
                        {"name": "Store", "type": "string", "jsonPath": ".spec.secretStoreRef.name"}
                    ],
                }
            ],
        },
    }
    obj = {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {"refreshInterval": "1h", "secretStoreRef": {"name": "aws", "kind": "ClusterSecretStore"}},
    }
    (tmp_path / "crd.yaml").write_text(yaml.safe_dump(crd))
    (tmp_path / "es.yaml").write_text(yaml.safe_dump(obj))
    assert http(emu, "GET", "/apis/external-secrets.io/v1")[0] == 404
    kubectl(emu, "apply", "-f", str(tmp_path / "crd.yaml"))
    assert "created" in kubectl(emu, "apply", "-f", str(tmp_path / "es.yaml")).stdout
    assert "unchanged" in kubectl(emu, "apply", "-f", str(tmp_path / "es.yaml")).stdout
    rows = kubectl(emu, "get", "es", "-A").stdout.splitlines()
    assert rows[0].split()[:3] == ["NAMESPACE", "NAME", "STORE"] and rows[1].split()[:3] == ["default", "db", "aws"]
    listed = http(emu, "GET", "/apis/external-secrets.io/v1/externalsecrets")[1]
    assert listed["kind"] == "ExternalSecretList" and listed["items"][0]["kind"] == "ExternalSecret"
    assert listed["items"][0]["metadata"]["generation"] == 1
    kubectl(emu, "delete", "crd", "externalsecrets.external-secrets.io")
    assert http(emu, "GET", "/apis/external-secrets.io/v1/namespaces/default/externalsecrets/db")[0] == 404
    assert "external-secrets.io" not in {g["name"] for g in http(emu, "GET", "/apis")[1]["groups"]}


# --------------------------------------------------------------------------- python dynamic client
def test_python_dynamic_client(emu):
    from kubernetes import config, dynamic
    from kubernetes.client import api_client
    from kubernetes.dynamic.exceptions import ConflictError, NotFoundError

    client = dynamic.DynamicClient(
        api_client.ApiClient(config.new_client_from_config(str(emu["kubeconfig"])).configuration)
    )
    ns_api = client.resources.get(api_version="v1", kind="Namespace")
    ns_api.create(body={"metadata": {"name": "py"}})
    assert ns_api.get(name="py").status.phase == "Active"
    cms = client.resources.get(api_version="v1", kind="ConfigMap")
    for name, tier in (("a", "web"), ("b", "db"), ("c", None)):
        labels = {"tier": tier} if tier else {"other": "x"}
        cms.create(namespace="py", body={"metadata": {"name": name, "labels": labels}, "data": {"k": name}})
    with pytest.raises(ConflictError) as exc:
        cms.create(namespace="py", body={"metadata": {"name": "a"}})
    assert json.loads(exc.value.body)["reason"] == "AlreadyExists"

    def names(**kw):
        return sorted(i.metadata.name for i in cms.get(namespace="py", **kw).items)

    assert names(label_selector="tier=web") == ["a"]
    assert names(label_selector="tier!=web") == ["b", "c", "kube-root-ca.crt"]
    assert names(label_selector="tier in (web,db)") == ["a", "b"]
    assert names(label_selector="tier notin (web)") == ["b", "c", "kube-root-ca.crt"]
    assert names(label_selector="tier") == ["a", "b"] and names(label_selector="!tier") == ["c", "kube-root-ca.crt"]
    assert names(field_selector="metadata.name=b") == ["b"]
    listing = cms.get(namespace="py")
    assert listing.kind == "ConfigMapList" and all(
        i.kind == "ConfigMap" and i.apiVersion == "v1" for i in listing.items
    )
    assert int(listing.metadata.resourceVersion) >= max(int(i.metadata.resourceVersion) for i in listing.items)

    stale = cms.get(namespace="py", name="a").to_dict()
    cms.patch(namespace="py", name="a", body={"data": {"k": "a2"}}, content_type="application/merge-patch+json")
    with pytest.raises(ConflictError):
        cms.replace(namespace="py", name="a", body=stale)
    assert cms.get(namespace="py", name="a").data.k == "a2"

    deps = client.resources.get(api_version="apps/v1", kind="Deployment")
    body = deployment("svc", "py")
    body["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "2"},
    ]
    created = deps.create(namespace="py", body=body)
    assert created.metadata.generation == 1
    dry = deps.create(namespace="py", body=deployment("ghost", "py"), dry_run="All")
    assert dry.metadata.name == "ghost"
    with pytest.raises(NotFoundError):
        deps.get(namespace="py", name="ghost")
    # strategic merge: containers merged by name, env by name, ports by containerPort
    smp = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "env": [{"name": "B", "value": "20"}, {"name": "C", "value": "3"}],
                            "ports": [{"containerPort": 9090, "name": "metrics"}],
                        }
                    ]
                }
            }
        }
    }
    patched = deps.patch(namespace="py", name="svc", body=smp, content_type="application/strategic-merge-patch+json")
    container = patched.spec.template.spec.containers[0]
    assert container.image == "nginx:1.27"
    assert [(e.name, e.value) for e in container.env] == [("A", "1"), ("B", "20"), ("C", "3")]
    assert [p.containerPort for p in container.ports] == [8080, 9090]
    assert patched.metadata.generation == 2
    # metadata-only change: no generation bump; identical patch: no new resourceVersion
    labelled = deps.patch(
        namespace="py",
        name="svc",
        body={"metadata": {"labels": {"team": "pay"}}},
        content_type="application/merge-patch+json",
    )
    assert labelled.metadata.generation == 2
    again = deps.patch(
        namespace="py",
        name="svc",
        body={"metadata": {"labels": {"team": "pay"}}},
        content_type="application/merge-patch+json",
    )
    assert again.metadata.resourceVersion == labelled.metadata.resourceVersion
    jp = deps.patch(
        namespace="py",
        name="svc",
        content_type="application/json-patch+json",
        body=[{"op": "replace", "path": "/spec/replicas", "value": 3}],
    )
    assert jp.spec.replicas == 3 and jp.metadata.generation == 3
    applied = deps.server_side_apply(
        namespace="py",
        body={
            **deployment("svc", "py", replicas=3),
            "metadata": {"name": "svc", "namespace": "py", "labels": {"app": "svc", "team": "pay"}},
        },
        field_manager="pytest",
        force_conflicts=True,
    )
    assert applied.spec.replicas == 3
    scale = client.resources.get(api_version="apps/v1", kind="Deployment").subresources["scale"]
    assert scale.get(namespace="py", name="svc").spec.replicas == 3

    secrets = client.resources.get(api_version="v1", kind="Secret")
    sec = secrets.create(namespace="py", body={"metadata": {"name": "s"}, "stringData": {"password": "hunter2"}})
    assert "stringData" not in sec.to_dict() and base64.b64decode(sec.data.password) == b"hunter2"
    assert sec.type == "Opaque"

    # watch: events with resourceVersion semantics
    rv = cms.get(namespace="py").metadata.resourceVersion
    cms.patch(namespace="py", name="b", body={"data": {"k": "b2"}}, content_type="application/merge-patch+json")
    cms.delete(namespace="py", name="c")
    events = [(e["type"], e["object"].metadata.name) for e in cms.watch(namespace="py", resource_version=rv, timeout=1)]
    assert events == [("MODIFIED", "b"), ("DELETED", "c")]

    deps_all = client.resources.get(api_version="apps/v1", kind="Deployment").get()
    assert "svc" in [d.metadata.name for d in deps_all.items]
    ns_api.delete(name="py")
    with pytest.raises(NotFoundError):
        cms.get(namespace="py", name="a")


# --------------------------------------------------------------------------- kubernetes.core
PLAYBOOK = """\
- name: Apply the application objects
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  module_defaults:
    group/kubernetes.core.k8s:
      kubeconfig: "{{ kc }}"
  tasks:
    - name: Apply the objects
      kubernetes.core.k8s:
        state: present
        definition: "{{ item }}"
        wait: "{{ item.kind == 'Deployment' }}"
        wait_timeout: 30
      loop: "{{ objects }}"
      loop_control:
        label: "{{ item.kind }}/{{ item.metadata.name }}"
    - name: Read the objects back
      kubernetes.core.k8s_info:
        api_version: "{{ item.apiVersion }}"
        kind: "{{ item.kind }}"
        name: "{{ item.metadata.name }}"
        namespace: "{{ item.metadata.namespace | default(omit) }}"
      loop: "{{ objects }}"
      loop_control:
        label: "{{ item.kind }}/{{ item.metadata.name }}"
      register: readback
      when: out | length > 0
    - name: Write what was read back
      ansible.builtin.copy:
        content: "{{ readback.results | map(attribute='resources') | list | to_json }}"
        dest: "{{ out }}"
        mode: "0600"
      changed_when: false
      when: out | length > 0
"""


def test_kubernetes_core_idempotent(emu, tmp_path):
    objects = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ans"}},
        deployment("api", "ans", replicas=2),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "api", "namespace": "ans"},
            "spec": {"selector": {"app": "api"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "api", "namespace": "ans"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                "minReplicas": 2,
                "maxReplicas": 6,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                    }
                ],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "api", "namespace": "ans"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "api"}}},
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "api-creds", "namespace": "ans"},
            "stringData": {"password": "not-a-real-secret"},
        },
    ]
    (tmp_path / "pb.yml").write_text(PLAYBOOK)
    (tmp_path / "vars.json").write_text(json.dumps({"objects": objects, "kc": str(emu["kubeconfig"])}))
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_HOME": str(REPO / ".ansible"),
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "ANSIBLE_NOCOLOR": "1",
    }

    def play(out: str = "") -> str:
        res = subprocess.run(
            [
                str(BIN / "ansible-playbook"),
                "-i",
                "localhost,",
                str(tmp_path / "pb.yml"),
                "-e",
                f"@{tmp_path / 'vars.json'}",
                "-e",
                f"out={out}",
            ],
            cwd=REPO,
            env=env,
            text=True,
            capture_output=True,
            timeout=300,
        )
        assert res.returncode == 0, res.stdout + res.stderr
        return res.stdout

    first, second = play(), play(str(tmp_path / "out.json"))
    assert "changed=1" in [line for line in first.splitlines() if line.startswith("localhost")][0], first
    assert first.count("changed: [localhost] => (item=") == len(objects)
    recap = [line for line in second.splitlines() if line.startswith("localhost")][0]
    assert "changed=0" in recap and "failed=0" in recap, second
    ns, dep, svc, hpa, pdb, secret = (r[0] for r in json.loads((tmp_path / "out.json").read_text()))
    assert ns["status"]["phase"] == "Active"
    assert dep["spec"]["replicas"] == 2 and dep["status"]["availableReplicas"] == 2
    assert dep["metadata"]["generation"] == 1 and dep["status"]["observedGeneration"] == 1
    assert svc["spec"]["ports"][0]["targetPort"] == 8080 and svc["spec"]["clusterIP"]
    assert hpa["spec"]["maxReplicas"] == 6 and hpa["status"]["currentReplicas"] == 2
    assert pdb["status"]["currentHealthy"] == 2 and pdb["status"]["disruptionsAllowed"] == 1
    assert "stringData" not in secret and base64.b64decode(secret["data"]["password"]) == b"not-a-real-secret"


# --------------------------------------------------------------------------- lifecycle
def test_sigterm_stops_cleanly(tmp_path):
    port = free_port()
    kubeconfig = tmp_path / "nested" / "kubeconfig"
    proc = start(port, kubeconfig, tmp_path / "log")
    assert kubeconfig.exists()
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import urllib.request
        stream = urllib.request.urlopen("http://127.0.0.1:{port}/api/v1/namespaces?watch=true", timeout=30)
        print("watching", flush=True)
        stream.read()
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    # SIGTERM only once the watch is open (a fixed sleep raced the watcher's start on a loaded machine).
    assert watcher.stdout.readline().strip() == "watching"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert watcher.wait(timeout=10) == 0
    assert "stopped" in (tmp_path / "log").read_text()
