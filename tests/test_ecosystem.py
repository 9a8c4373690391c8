"""The project in the tools platform teams already run: execution environment, ansible-navigator,
GitHub workflows, pre-commit, secret scanning, checkov, role docs and changelog fragments.

Nothing here needs a container engine or the network: `ansible-builder create` writes the
build context only (building the image needs podman or docker, which these machines lack).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import BIN, REPO, run

ROLES = sorted(p.parent.parent.name for p in (REPO / "roles").glob("*/meta/argument_specs.yml"))
ALL_ROLES = sorted(p.name for p in (REPO / "roles").iterdir() if p.is_dir())
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = REPO / ".venv-checkov"
# Paths detect-secrets never looks at (generated, third-party or local state); the same
# pattern is recorded in .secrets.baseline, which detect-secrets-hook then applies.
SECRETS_EXCLUDE = (r"^(\.venv|\.venv-checkov|\.git|\.emulators|\.ansible|\.cache|reports|\.kube|\.pytest_cache"
                   r"|molecule/default/\.molecule)/|__pycache__|\.secrets\.baseline$")


def _load(path: Path):
    return yaml.safe_load(path.read_text())


# --- Execution environment and ansible-navigator ------------------------------------------


def test_execution_environment_build_context(tmp_path):
    definition = _load(REPO / "execution-environment.yml")
    assert definition["version"] == 3
    context = tmp_path / "context"
    result = run([str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", str(context),
                  "--output-filename", "Containerfile"], timeout=120)
    assert result.returncode == 0, result.stdout

    containerfile = (context / "Containerfile").read_text()
    assert "FROM $EE_BASE_IMAGE AS base" in containerfile and "AS final" in containerfile
    requirements_txt = open(REPO / "requirements.txt").read()
    for pin in ("ansible-core==", "ansible-runner=="):
        version = re.search(rf"^{pin}(\S+)$", requirements_txt, re.M).group(1)
        assert f"{pin}{version}" in containerfile, f"the EE must install the {pin}{version} that make test uses"
    # The collections of requirements.yml, unchanged.
    assert _load(context / "_build" / "requirements.yml") == _load(REPO / "requirements.yml")
    # Python dependencies pinned to the versions in requirements.txt.
    for line in (context / "_build" / "requirements.txt").read_text().split():
        assert re.search(rf"^{re.escape(line)}$", requirements_txt, re.M | re.I), f"{line} differs from requirements.txt"
    assert (context / "_build" / "bindep.txt").is_file()
    # The project's own collection goes into the image (AWX does not see ./collections).
    assert (context / "_build" / "cardplatform_aws" / "galaxy.yml").is_file()
    assert "ansible-galaxy collection install --offline --no-deps -p /usr/share/ansible/collections" in containerfile
    # The same pinned, checksummed helm and kubectl as make venv (kubernetes.core.helm needs helm).
    assert (context / "_build" / "tools" / "install_k8s_tools.py").read_bytes() == (REPO / "tools" / "install_k8s_tools.py").read_bytes()
    assert "install_k8s_tools.py --venv /usr/local" in containerfile and "helm version --short" in containerfile


def test_execution_environment_installs_the_project_collection(tmp_path):
    """The append_galaxy step, run here: the collection directory installs offline."""
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\n")
    result = run([str(BIN / "ansible-galaxy"), "collection", "install", "--offline", "--no-deps", "-p", str(tmp_path / "c"),
                  str(REPO / "collections" / "ansible_collections" / "cardplatform" / "aws")],
                 env={"ANSIBLE_CONFIG": str(config), "ANSIBLE_COLLECTIONS_PATH": str(tmp_path / "c")}, timeout=120)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "c" / "ansible_collections" / "cardplatform" / "aws" / "MANIFEST.json").is_file()


def test_navigator_settings_are_valid(tmp_path):
    """ansible-navigator validates its settings file against its own schema when it loads it."""
    result = run([str(BIN / "ansible-navigator"), "settings", "--effective", "--ee", "false", "--mode", "stdout",
                  "--lf", str(tmp_path / "navigator.log")], timeout=120)
    assert result.returncode == 0, result.stdout
    effective = yaml.safe_load(result.stdout)["ansible-navigator"]
    assert effective["execution-environment"]["image"] == _load(REPO / "ansible-navigator.yml")["ansible-navigator"][
        "execution-environment"]["image"]
    assert effective["mode"] == "stdout"


def test_navigator_runs_site_without_an_execution_environment(tmp_path):
    """`ansible-navigator run site.yml -i inventories/production --ee false` reaches ansible-playbook."""
    result = run([str(BIN / "ansible-navigator"), "run", "site.yml", "-i", "inventories/production", "--ee", "false",
                  "--mode", "stdout", "--pae", "false", "--lf", str(tmp_path / "navigator.log"), "--syntax-check"], timeout=180)
    assert result.returncode == 0, result.stdout
    assert "playbook: " in result.stdout and "site.yml" in result.stdout


# --- GitHub workflows and pre-commit -------------------------------------------------------


def test_workflows_exist():
    names = {p.stem for p in WORKFLOWS}
    assert {"test", "drift", "deploy", "security", "molecule-kind"} <= names


def test_actionlint():
    result = run([str(BIN / "actionlint"), "-no-color", *map(str, WORKFLOWS)], timeout=120)
    assert result.returncode == 0, result.stdout


def test_workflows_match_the_github_schema():
    result = run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)], timeout=120)
    assert result.returncode == 0, result.stdout


def test_pull_requests_run_make_test():
    workflow = _load(REPO / ".github" / "workflows" / "test.yml")
    assert "pull_request" in workflow["on"]
    steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert "make test" in steps


def test_drift_check_runs_per_environment_and_publishes_reports():
    workflow = _load(REPO / ".github" / "workflows" / "drift.yml")
    assert workflow["on"]["schedule"]
    job = workflow["jobs"]["drift"]
    assert job["strategy"]["matrix"]["environment"] == ["staging", "production"]
    # No approval-gated environment: a read-only role of its own, on the VPC's runners.
    assert "environment" not in job and "production" not in json.dumps(job.get("environment", ""))
    assert job["runs-on"]["group"] == "card-platform-${{ matrix.environment }}"
    # One job per inventory host, on its region's runners (the label the ci_runners role registers).
    hosts = {f"{env}-{region}" for env in ("staging", "production") for region in job["strategy"]["matrix"]["region"]}
    hosts -= {f"{e['environment']}-{e['region']}" for e in job["strategy"]["matrix"]["exclude"]}
    for inventory in ("staging", "production"):
        declared = set(_load(REPO / "inventories" / inventory / "hosts.yml")["platform"]["hosts"])
        assert {h for h in hosts if h.startswith(inventory)} == declared, (inventory, declared)
    assert "card-platform-${{ matrix.environment }}-${{ matrix.region }}" in job["runs-on"]["labels"]
    steps = {s.get("id"): s for s in job["steps"]}
    runs = " ".join(s.get("run", "") for s in job["steps"])
    uses = " ".join(s.get("uses", "") for s in job["steps"])
    role = next(s["with"]["role-to-assume"] for s in job["steps"] if "configure-aws-credentials" in s.get("uses", ""))
    assert "AWS_DRIFT_ROLE_ARN_PRODUCTION" in role and "AWS_DRIFT_ROLE_ARN_STAGING" in role and "vars.AWS_ROLE_ARN" not in role
    # tools/drift.py itself, its exit code passed on (make drift would turn 1 into 2).
    check = steps["drift"]["run"]
    assert '.venv/bin/python tools/drift.py --env "$ENVIRONMENT" --limit "$ENVIRONMENT-$REGION*"' in check and 'exit "$code"' in check
    assert "make drift" not in runs
    assert "GITHUB_STEP_SUMMARY" in runs and "action-junit-report" in uses and "upload-artifact" in uses


def test_make_drift_cannot_pass_on_exit_code_1(tmp_path):
    """Why the workflows run tools/drift.py directly: make exits 2 for any failed recipe."""
    makefile = tmp_path / "Makefile"
    makefile.write_text("error:\n\t@exit 1\n")
    result = subprocess.run(["make", "-f", str(makefile), "error"], capture_output=True, text=True, check=False)
    assert result.returncode == 2


def test_deploy_goes_through_staging_to_an_approved_production():
    workflow = _load(REPO / ".github" / "workflows" / "deploy.yml")
    jobs = workflow["jobs"]
    # Only after "Lint and test" passed, for the commit it tested.
    test_name = _load(REPO / ".github" / "workflows" / "test.yml")["name"]
    assert workflow["on"] == {"workflow_run": {"workflows": [test_name], "types": ["completed"], "branches": ["main"]}}
    assert "github.event.workflow_run.conclusion == 'success'" in jobs["gate"]["if"]
    assert "github.event.workflow_run.head_sha" in json.dumps(jobs["gate"])
    for name in ("staging", "production-plan", "production"):
        checkout = next(s for s in jobs[name]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["ref"] == "${{ needs.gate.outputs.sha }}", name
        assert "gate" in jobs[name]["needs"], name
        # The private EKS API: every AWS job on the environment's runners inside the VPC.
        assert jobs[name]["runs-on"]["group"] in ("card-platform-staging", "card-platform-production"), name
    assert jobs["staging"]["environment"]["name"] == "staging"
    staging_runs = [s.get("run", "") for s in jobs["staging"]["steps"]]
    assert staging_runs.index("make site ENV=staging") < next(
        i for i, r in enumerate(staging_runs) if "tools/smoke_check.py --inventory inventories/staging" in r)
    # The plan first (no approval needed to see it), in the job summary; then the gated converge.
    plan = jobs["production-plan"]
    assert "environment" not in plan and plan["needs"] == ["gate", "staging"]
    plan_runs = " ".join(s.get("run", "") for s in plan["steps"])
    assert "ansible-playbook site.yml -i inventories/production --limit 'production-${{ matrix.region }}*' --check --diff" in plan_runs
    # Per region, on that region's runners: a runner reaches only its own region's private API.
    production_hosts = set(_load(REPO / "inventories" / "production" / "hosts.yml")["platform"]["hosts"])
    for name in ("production-plan", "production"):
        assert {f"production-{r}" for r in jobs[name]["strategy"]["matrix"]["region"]} == production_hosts, name
        assert "card-platform-production-${{ matrix.region }}" in jobs[name]["runs-on"]["labels"], name
    production_runs = [s.get("run", "") for s in jobs["production"]["steps"]]
    assert "make site ENV=production LIMIT='production-${{ matrix.region }}*'" in production_runs
    assert "GITHUB_STEP_SUMMARY" in plan_runs
    assert jobs["production"]["needs"] == ["gate", "production-plan"]
    assert jobs["production"]["environment"]["name"] == "production"
    assert any("make site ENV=production" in s.get("run", "") for s in jobs["production"]["steps"])


def test_molecule_on_kind_uses_the_documented_switches():
    job = _load(REPO / ".github" / "workflows" / "molecule-kind.yml")["jobs"]["molecule"]
    step = next(s for s in job["steps"] if s.get("name", "").startswith("molecule test"))
    assert step["env"]["PLATFORM_KUBECONFIG"].endswith("/.kube/kind-${{ env.KIND_CLUSTER }}")
    assert "PLATFORM_AWS_ENDPOINT_URL" not in step["env"], "the AWS side stays on the embedded moto emulator"
    for scenario in job["strategy"]["matrix"]["scenario"]:
        assert (REPO / scenario["dir"] / "molecule" / "default" / "molecule.yml").is_file(), scenario


def test_delivery_is_documented_and_linked():
    text = (REPO / "docs" / "delivery.md").read_text()
    for name in ("deploy.yml", "drift.yml", "molecule-kind.yml", "security.yml", "card-platform-production",
                 "AWS_DRIFT_ROLE_ARN_PRODUCTION", "AWS_PLAN_ROLE_ARN_PRODUCTION", "tools/smoke_check.py"):
        assert name in text, name
    assert "docs/delivery.md" in (REPO / "README.md").read_text()


def test_make_test_runs_the_coverage_gate():
    """The coverage gate (issue #22): `make test` runs the in-process tests under coverage beside the
    parallel run, then fails below 75 %."""
    result = subprocess.run(["make", "-n", "test"], cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    run_line = next(i for i, line in enumerate(lines) if "-m coverage run -m pytest" in line)
    gate_line = next(i for i, line in enumerate(lines) if "-m coverage report --fail-under=75" in line)
    full_run = next(i for i, line in enumerate(lines) if "-m pytest -n" in line)
    assert run_line < full_run < gate_line
    assert "& coverage_pid=" in result.stdout and "wait $coverage_pid" in result.stdout
    assert "collections/ansible_collections/cardplatform/aws/tests/unit" in lines[run_line]
    config = __import__("tomllib").loads((REPO / "pyproject.toml").read_text())["tool"]["coverage"]
    assert config["report"]["fail_under"] == 75
    assert set(config["run"]["source"]) == {"collections/ansible_collections/cardplatform/aws/plugins", "tools"}
    assert "--cov" not in result.stdout, "no pytest-cov over the whole suite"


def test_security_workflow_runs_the_three_scanners():
    jobs = _load(REPO / ".github" / "workflows" / "security.yml")["jobs"]
    text = json.dumps(jobs)
    assert "detect-secrets-hook --baseline .secrets.baseline" in text
    assert "make checkov" in text and "make lint" in text


def test_pre_commit_config_is_valid_and_runs_the_same_linters():
    result = run([str(BIN / "pre-commit"), "validate-config", ".pre-commit-config.yaml"], timeout=60)
    assert result.returncode == 0, result.stdout
    hooks = {h["id"]: h for repo in _load(REPO / ".pre-commit-config.yaml")["repos"] for h in repo["hooks"]}
    assert {"yamllint", "ansible-lint", "detect-secrets", "actionlint", "gitleaks"} <= set(hooks)
    for hook in hooks.values():
        executable = hook["entry"].split()[0]
        assert (REPO / executable).exists(), f"{hook['id']}: {executable} is not installed by make venv"


# --- Secrets -------------------------------------------------------------------------------


def test_no_secret_beyond_the_baseline():
    """detect-secrets over the whole tree (not only tracked files) finds nothing the baseline lacks.

    A finding here is either a real secret (remove it) or a false positive: audit it and refresh
    the baseline with `make secrets-baseline`.
    """
    baseline = json.loads((REPO / ".secrets.baseline").read_text())
    known = {(path, item["hashed_secret"]) for path, items in baseline["results"].items() for item in items}
    # Tracked and untracked files that git does not ignore (walking .venv would take far longer).
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, text=True, timeout=60, check=True).stdout.split("\0")
    files = [f for f in files if f and (REPO / f).is_file()]
    result = subprocess.run([str(BIN / "detect-secrets"), "scan", "--all-files", "--exclude-files", SECRETS_EXCLUDE, *files],
                            cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["results"]
    new = sorted(f"{path}:{item['line_number']} {item['type']}" for path, items in found.items() for item in items
                 if (path, item["hashed_secret"]) not in known)
    assert not new, "secrets not in .secrets.baseline:\n" + "\n".join(new)
    assert not any(item.get("is_secret") for items in baseline["results"].values() for item in items), (
        "the baseline marks a finding as a real secret")


# --- checkov ---------------------------------------------------------------------------------


def _checkov() -> Path:
    """The pinned checkov in its own virtualenv (it pins an old `packaging`); built when missing."""
    executable = CHECKOV_VENV / "bin" / "checkov"
    if not executable.exists():
        result = subprocess.run(["make", "checkov-venv"], cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    return executable


def test_checkov_on_the_kubernetes_manifests_and_playbooks(tmp_path):
    checkov = _checkov()
    manifests = tmp_path / "manifests"
    rendered = run([str(BIN / "ansible-playbook"), "tools/render_manifests.yml", "-i", "inventories/production",
                    "-e", f"manifests_dir={manifests}"], timeout=300)
    assert rendered.returncode == 0, rendered.stdout
    kinds = {doc["kind"] for p in manifests.glob("*.yml") for doc in yaml.safe_load_all(p.read_text()) if doc}
    assert {"Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "Ingress", "NetworkPolicy"} <= kinds

    result = subprocess.run([str(checkov), "--config-file", "tools/checkov.yml", "-d", str(manifests), "-d", "playbooks",
                             "-d", "tools", "--output", "json"], cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "BC_SKIP_MAPPING": "TRUE"}, check=False)
    reports, decoder, text, index = [], json.JSONDecoder(), result.stdout, 0
    while text[index:].strip():  # one JSON document per directory (a list when it ran several frameworks)
        document, end = decoder.raw_decode(text, index + len(text[index:]) - len(text[index:].lstrip()))
        reports += document if isinstance(document, list) else [document]
        index = end
    failed = [f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
              for report in reports for c in report.get("results", {}).get("failed_checks", [])]
    assert not failed, "\n".join(failed)
    assert result.returncode == 0, result.stderr[-3000:]
    k8s = [r for r in reports if r.get("check_type") == "kubernetes"]
    assert sum(r["summary"]["passed"] for r in k8s) > 100


# --- Role documentation and changelog --------------------------------------------------------


def _option_names(role: str) -> dict[str, list[str]]:
    specs = _load(REPO / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"]
    return {entry: sorted((spec.get("options") or {}).keys()) for entry, spec in specs.items()}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_ansible_doc_renders_the_role(role):
    assert (REPO / "roles" / role / "meta" / "argument_specs.yml").is_file(), f"roles/{role} has no meta/argument_specs.yml"
    result = run([str(BIN / "ansible-doc"), "-t", "role", "-r", "roles", role], env={"ANSIBLE_NOCOLOR": "1"}, timeout=120)
    assert result.returncode == 0, result.stdout
    text = re.sub(r"\x1b\[[0-9;]*m|\*", "", result.stdout)  # emphasis, with or without colour
    assert "ERROR" not in text, text
    for entry, options in _option_names(role).items():
        assert f"ENTRY POINT: {entry}" in text
        missing = [name for name in options if name not in text]
        assert not missing, f"ansible-doc does not show {missing}"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_role_readme_documents_every_input(role):
    readme = REPO / "roles" / role / "README.md"
    assert readme.is_file(), f"roles/{role}/README.md is missing"
    text = readme.read_text()
    specs = REPO / "roles" / role / "meta" / "argument_specs.yml"
    assert specs.is_file(), f"roles/{role} has no meta/argument_specs.yml"
    missing = sorted({name for options in _option_names(role).values() for name in options if name not in text})
    assert not missing, f"roles/{role}/README.md does not mention {missing}"


def test_changelog_fragments_lint(tmp_path):
    assert list((REPO / "changelogs" / "fragments").glob("*.y*ml")), "no changelog fragment"
    result = run([str(BIN / "antsibull-changelog"), "lint"], timeout=120)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
    # ...and the linter does catch a malformed fragment.
    bad = tmp_path / "bad.yml"
    bad.write_text("not_a_section:\n  - oops\n")
    result = run([str(BIN / "antsibull-changelog"), "lint", str(bad)], timeout=120)
    assert "not_a_section" in result.stdout, result.stdout
