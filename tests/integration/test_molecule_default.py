"""The Molecule `default` scenario: converge site.yml on the local inventory against the
embedded emulators, check idempotence (molecule fails on any change), verify what the
emulated cloud holds (molecule/default/verify.yml), then prove that no generated secret
value reached the output, and destroy."""

from __future__ import annotations

import json
import os
from pathlib import Path

import boto3
import pytest

from helpers import REPO, run

AWS_PORT = os.environ.get("MOLECULE_AWS_EMULATOR_PORT", "14566")
K8S_PORT = os.environ.get("MOLECULE_K8S_EMULATOR_PORT", "16443")
LOG = REPO / "reports" / "molecule-default.log"


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value


def secret_values(endpoint_url: str) -> dict[str, str]:
    """Every password/token the converge generated, read back from the emulated Secrets Manager."""
    client = boto3.client(
        "secretsmanager",
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    found = {}
    for page in client.get_paginator("list_secrets").paginate():
        for secret in page["SecretList"]:
            tags = {t["Key"]: t["Value"] for t in secret.get("Tags", [])}
            if tags.get("Project") != "card-platform":
                continue
            raw = client.get_secret_value(SecretId=secret["ARN"])["SecretString"]
            parsed = json.loads(raw)
            for key, leaf in parsed.items():
                if key in ("password", "auth_token") and isinstance(leaf, str):
                    found[f"{secret['Name']}:{key}"] = leaf
    return found


@pytest.mark.slow
def test_default_scenario_converges_idempotently_verifies_and_leaks_no_secret():
    # PLATFORM_AWS_ENDPOINT_URL / PLATFORM_KUBECONFIG, when the user sets them, reach
    # molecule through the environment and replace the embedded emulators.
    env = {"AWS_EMULATOR_PORT": AWS_PORT, "K8S_EMULATOR_PORT": K8S_PORT, "NO_COLOR": "1", "ANSIBLE_NOCOLOR": "1"}
    try:
        result = run(["molecule", "test", "-s", "default", "--destroy", "never"], env=env, timeout=1800)
        LOG.parent.mkdir(exist_ok=True)
        LOG.write_text(result.stdout)
        assert result.returncode == 0, f"molecule failed; full log in {LOG}\n" + result.stdout[-15000:]

        endpoint = os.environ.get("PLATFORM_AWS_ENDPOINT_URL", f"http://127.0.0.1:{AWS_PORT}")
        secrets = secret_values(endpoint)
        assert len(secrets) >= 4, f"expected the rds, redis and mq secrets, found {sorted(secrets)}"
        leaked = [name for name, value in secrets.items() if value in result.stdout]
        assert leaked == [], f"secret values printed in the molecule output: {leaked}"
    finally:
        run(["molecule", "destroy", "-s", "default"], env=env, timeout=300)
