"""`make cost ENV=<env>`: tools/cost_report.py prices an inventory with tools/prices/<region>.yml."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
import yaml

from helpers import REPO, run

PRICES = yaml.safe_load((REPO / "tools" / "prices" / "us-east-1.yml").read_text())
HOURS = PRICES["hours_per_month"]


def _inventory(env: str) -> dict:
    values: dict = {}
    for path in sorted((REPO / "inventories" / env / "group_vars" / "all").glob("*.yml")):
        values.update(yaml.safe_load(path.read_text()) or {})
    return values


def _report(env: str, tmp_path, *extra: str) -> dict:
    result = run([sys.executable, "tools/cost_report.py", "-i", f"inventories/{env}", "--output-dir", str(tmp_path), *extra])
    assert result.returncode == 0, result.stdout
    return json.loads((tmp_path / f"cost-{env}.json").read_text())


def _line(report: dict, key: str) -> dict:
    return next(line for line in report["lines"] if line["key"] == key)


def test_every_price_has_a_source_and_a_confidence():
    assert PRICES["region"] == "us-east-1" and PRICES["currency"] == "USD" and PRICES["recorded"]
    for section, entries in PRICES.items():
        if isinstance(entries, dict):
            for name, entry in entries.items():
                if isinstance(entry, dict) and "price" in entry:
                    assert entry["price"] > 0, (section, name)
                    assert entry.get("source"), f"{section}.{name} has no source"
                    assert entry.get("confidence") in ("confirmed", "third-party", "unconfirmed"), (section, name)


def test_production_estimate_follows_the_inventory(tmp_path):
    values = _inventory("production")
    report = _report("production", tmp_path, "--data-transfer-gb", "1000")
    assert _line(report, "eks_control_plane")["monthly_min"] == pytest.approx(PRICES["eks"]["control_plane_hour"]["price"] * HOURS)
    for group in values["eks_nodegroups"]:
        line = _line(report, f"eks_nodes:{group['name']}")
        hourly = PRICES["ec2_hour"][group["instance_types"][0]]["price"]
        assert line["monthly_min"] == pytest.approx(group["min_size"] * hourly * HOURS, abs=0.01)
        assert line["monthly_max"] == pytest.approx(group["max_size"] * hourly * HOURS, abs=0.01)
    writer = PRICES["rds_postgresql_hour"][values["rds_instance_class"]]["price"]
    assert values["rds_multi_az"] is True
    assert _line(report, "rds:writer")["monthly_min"] == pytest.approx(2 * writer * HOURS, abs=0.01)
    replica = PRICES["rds_postgresql_hour"][values["rds_replica_instance_class"]]["price"]
    assert _line(report, "rds:replica")["monthly_min"] == pytest.approx(replica * HOURS, abs=0.01)
    nodes = values["elasticache_num_node_groups"] * (1 + values["elasticache_replicas_per_node_group"])
    assert nodes == 3
    assert _line(report, "elasticache")["monthly_min"] == pytest.approx(
        nodes * PRICES["elasticache_hour"][values["elasticache_node_type"]]["price"] * HOURS, abs=0.01)
    assert "3 x mq.m5.large" in _line(report, "amazonmq")["detail"]
    assert _line(report, "nat_gateways:hours")["monthly_min"] == pytest.approx(3 * PRICES["nat_gateway"]["hour"]["price"] * HOURS, abs=0.01)
    assert _line(report, "data_transfer")["monthly_min"] == pytest.approx(1000 * PRICES["data_transfer"]["internet_out_gb"]["price"])
    assert _line(report, "nat_gateways:processing")["monthly_min"] == pytest.approx(1000 * PRICES["nat_gateway"]["gb_processed"]["price"])
    assert report["total_min"] == pytest.approx(sum(line["monthly_min"] for line in report["lines"]), abs=0.05)
    assert report["total_max"] > report["total_min"]

    # The design document's table, line by line.
    rows = {row["key"]: row for row in report["design_comparison"]}
    assert set(rows) == {"eks_control_plane", "eks_nodes", "rds", "elasticache", "amazonmq", "nat_gateways", "data_transfer"}
    assert report["design_total"] == 1423
    assert rows["eks_control_plane"]["difference_min"] == pytest.approx(0)
    markdown = (tmp_path / "cost-production.md").read_text()
    assert "## Compared with the design document" in markdown and "## Price sources" in markdown


def test_staging_is_smaller(tmp_path):
    staging, production = _report("staging", tmp_path), _report("production", tmp_path)
    assert "design_comparison" not in staging
    assert "1 x 730 h" in _line(staging, "nat_gateways:hours")["detail"]  # vpc_egress_single_nat_gateway
    assert "SINGLE_INSTANCE: 1 x" in _line(staging, "amazonmq")["detail"]
    assert staging["total_min"] < production["total_min"]


def test_an_unpriced_type_names_the_variable(tmp_path):
    inventory = tmp_path / "inventories" / "broken"
    shutil.copytree(REPO / "inventories" / "production" / "group_vars", inventory / "group_vars", symlinks=True)
    eks = inventory / "group_vars" / "all" / "eks.yml"
    eks.write_text(eks.read_text().replace("c6g.2xlarge", "x9.huge"))
    result = run([sys.executable, "tools/cost_report.py", "-i", str(inventory), "--output-dir", str(tmp_path / "out")])
    assert result.returncode == 2
    assert "eks_nodegroups[jit].instance_types='x9.huge'" in result.stdout and "tools/prices/us-east-1.yml" in result.stdout


def test_make_cost_target(tmp_path):
    result = run(["make", "--no-print-directory", "cost", "ENV=production", f"COST_ARGS=--output-dir {tmp_path}"], timeout=600)
    assert result.returncode == 0, result.stdout
    assert (tmp_path / "cost-production.md").is_file() and (tmp_path / "cost-production.json").is_file()
