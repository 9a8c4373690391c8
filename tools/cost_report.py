#!/usr/bin/env python3
"""Estimate the monthly on-demand cost of one environment from its inventory.

    python tools/cost_report.py --inventory inventories/production [--data-transfer-gb 500]

Reads the sizing variables (the same ones the roles consume) from the role defaults,
the shared group_vars and the inventory's group_vars/all/*.yml, in Ansible's order
(later files override earlier ones), prices them with the table in
tools/prices/<region>.yml, and writes reports/cost-<env>.md and reports/cost-<env>.json.
Node groups are priced at their minimum and their maximum size; everything else runs
all month. For production, the report also compares each line with the design
document's table (tools/prices/design-baseline.yml).

Exit status: 0 on success, 2 when the inventory names something the price table lacks
(the message names the variable, the value and the price file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
PRICES_DIR = REPO / "tools" / "prices"
ROLES_WITH_SIZING = ["vpc", "vpc_egress", "eks", "rds", "elasticache", "amazonmq"]


class PriceMissing(Exception):
    """The inventory uses a type the price table does not list."""


def _yaml_files(directory: Path) -> list[Path]:
    """Files Ansible loads for a group_vars directory: recursive, sorted, YAML only."""
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_inventory_vars(inventory: Path) -> dict:
    """Role defaults, then inventories/<env>/group_vars/all (000_shared first), later wins."""
    merged: dict = {}
    for role in ROLES_WITH_SIZING:
        defaults = REPO / "roles" / role / "defaults" / "main.yml"
        if defaults.is_file():
            merged.update(yaml.safe_load(defaults.read_text()) or {})
    for path in _yaml_files(inventory / "group_vars" / "all"):
        merged.update(yaml.safe_load(path.read_text()) or {})
    return merged


def _price(table: dict, section: str, key: str, variable: str, price_file: Path) -> float:
    try:
        return float(table[section][key]["price"])
    except (KeyError, TypeError):
        raise PriceMissing(f"{variable}={key!r}: no price under {section!r} in {price_file}") from None


def _require(values: dict, name: str):
    if name not in values:
        raise PriceMissing(f"{name} is not set in the inventory (nor in the role defaults)")
    return values[name]


def estimate(values: dict, prices: dict, price_file: Path, data_transfer_gb: float, nat_processed_gb: float) -> dict:
    """Return the report as a dict: lines with monthly min/max cost and the inputs used."""
    hours = float(prices.get("hours_per_month", 730))
    lines: list[dict] = []

    def add(key: str, label: str, detail: str, low: float, high: float | None = None, group: str | None = None):
        lines.append({"key": key, "group": group or key, "label": label, "detail": detail,
                      "monthly_min": round(low, 2), "monthly_max": round(high if high is not None else low, 2)})

    # EKS control plane (one cluster per environment).
    add("eks_control_plane", "EKS control plane", "1 cluster, standard support",
        _price(prices, "eks", "control_plane_hour", "eks control plane", price_file) * hours)

    # Managed node groups at min and max size; first instance type of each group.
    gp3 = _price(prices, "ebs", "gp3_gb_month", "node disk", price_file)
    nodes_min = nodes_max = 0
    disk_min = disk_max = 0.0
    for group in _require(values, "eks_nodegroups"):
        instance_type = group["instance_types"][0]
        per_node = _price(prices, "ec2_hour", instance_type, f"eks_nodegroups[{group['name']}].instance_types", price_file)
        low, high = int(group["min_size"]), int(group["max_size"])
        nodes_min, nodes_max = nodes_min + low, nodes_max + high
        add(f"eks_nodes:{group['name']}", f"EKS node group {group['name']}",
            f"{low}-{high} x {instance_type} @ ${per_node}/h", low * per_node * hours, high * per_node * hours, group="eks_nodes")
        disk = float(group.get("disk_size", 20))
        disk_min += low * disk * gp3
        disk_max += high * disk * gp3
    add("eks_node_storage", "EKS node root volumes (gp3)", f"{nodes_min}-{nodes_max} nodes x 20 GiB unless disk_size is set",
        disk_min, disk_max, group="eks_nodes")

    # RDS writer (Multi-AZ doubles the instance and its storage) and the read replica.
    storage_price = _price(prices, "rds_storage", "gp3_gb_month", "rds storage", price_file)
    multi_az_factor = float(prices["rds_storage"].get("multi_az_factor", 2))
    writer_class = _require(values, "rds_instance_class")
    writer_hour = _price(prices, "rds_postgresql_hour", writer_class, "rds_instance_class", price_file)
    writer_az = multi_az_factor if values.get("rds_multi_az", False) else 1
    storage_gb = float(values.get("rds_allocated_storage", 20))
    add("rds:writer", "RDS PostgreSQL writer", f"{writer_class}{' Multi-AZ' if writer_az > 1 else ''} @ ${writer_hour}/h x {writer_az:g}",
        writer_hour * writer_az * hours, group="rds")
    add("rds:writer_storage", "RDS writer storage (gp3)", f"{storage_gb:g} GB x {writer_az:g} @ ${storage_price}/GB-month",
        storage_gb * writer_az * storage_price, group="rds")
    if values.get("rds_replica_enabled", False):
        replica_class = values.get("rds_replica_instance_class") or writer_class
        replica_hour = _price(prices, "rds_postgresql_hour", replica_class, "rds_replica_instance_class", price_file)
        replica_az = multi_az_factor if values.get("rds_replica_multi_az", False) else 1
        add("rds:replica", "RDS PostgreSQL read replica", f"{replica_class}{' Multi-AZ' if replica_az > 1 else ''} @ ${replica_hour}/h",
            replica_hour * replica_az * hours, group="rds")
        add("rds:replica_storage", "RDS replica storage (gp3)", f"{storage_gb:g} GB x {replica_az:g}",
            storage_gb * replica_az * storage_price, group="rds")

    # ElastiCache: shards x (primary + replicas).
    node_type = _require(values, "elasticache_node_type")
    shards = int(values.get("elasticache_num_node_groups", 1))
    replicas = int(values.get("elasticache_replicas_per_node_group", 0))
    cache_nodes = shards * (1 + replicas)
    cache_hour = _price(prices, "elasticache_hour", node_type, "elasticache_node_type", price_file)
    add("elasticache", "ElastiCache Redis", f"{cache_nodes} x {node_type} ({shards} shard(s) x (1 + {replicas})) @ ${cache_hour}/h",
        cache_nodes * cache_hour * hours)

    # Amazon MQ for RabbitMQ: nodes per deployment mode.
    mq_type = _require(values, "amazonmq_host_instance_type")
    mode = values.get("amazonmq_deployment_mode", "SINGLE_INSTANCE")
    mq_nodes = int(prices["amazonmq_nodes_per_deployment_mode"].get(mode, 1))
    mq_hour = _price(prices, "amazonmq_rabbitmq_hour", mq_type, "amazonmq_host_instance_type", price_file)
    add("amazonmq", "Amazon MQ for RabbitMQ", f"{mode}: {mq_nodes} x {mq_type} @ ${mq_hour}/h", mq_nodes * mq_hour * hours)

    # NAT gateways: one per AZ, or one in all when vpc_egress_single_nat_gateway.
    azs = values.get("vpc_azs") or []
    nat_count = 1 if values.get("vpc_egress_single_nat_gateway", False) else max(len(azs), 1)
    nat_hour = _price(prices, "nat_gateway", "hour", "nat gateway", price_file)
    nat_gb = _price(prices, "nat_gateway", "gb_processed", "nat gateway", price_file)
    add("nat_gateways:hours", "NAT gateway hours", f"{nat_count} x {hours:g} h @ ${nat_hour}/h", nat_count * nat_hour * hours, group="nat_gateways")
    add("nat_gateways:processing", "NAT gateway data processing", f"{nat_processed_gb:g} GB @ ${nat_gb}/GB (input)",
        nat_processed_gb * nat_gb, group="nat_gateways")

    # Data transfer out to the internet: an input, not something the inventory knows.
    out_gb = _price(prices, "data_transfer", "internet_out_gb", "data transfer", price_file)
    add("data_transfer", "Data transfer out to the internet", f"{data_transfer_gb:g} GB @ ${out_gb}/GB (input)", data_transfer_gb * out_gb)

    return {
        "region": prices.get("region"),
        "currency": prices.get("currency", "USD"),
        "hours_per_month": hours,
        "prices_recorded": prices.get("recorded"),
        "price_file": str(price_file.relative_to(REPO)) if price_file.is_relative_to(REPO) else str(price_file),
        "inputs": {"data_transfer_gb": data_transfer_gb, "nat_processed_gb": nat_processed_gb},
        "lines": lines,
        "total_min": round(sum(line["monthly_min"] for line in lines), 2),
        "total_max": round(sum(line["monthly_max"] for line in lines), 2),
    }


def compare_with_design(report: dict, baseline: dict) -> list[dict]:
    """Sum the report's lines per design line and give the difference at minimum size."""
    rows = []
    for key, design in baseline["lines"].items():
        ours_min = round(sum(line["monthly_min"] for line in report["lines"] if line["group"] == key), 2)
        ours_max = round(sum(line["monthly_max"] for line in report["lines"] if line["group"] == key), 2)
        rows.append({"key": key, "label": design["label"], "design": design["cost"], "estimate_min": ours_min,
                     "estimate_max": ours_max, "difference_min": round(ours_min - design["cost"], 2)})
    return rows


def _money(value: float) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def render_markdown(env: str, report: dict, prices: dict) -> str:
    out = [f"# Monthly cost estimate: {env}", "",
           f"On-demand list prices, {report['region']}, {report['hours_per_month']:g} hours a month, prices recorded "
           f"{report['prices_recorded']} ({report['price_file']}). Node groups at their minimum and maximum size; "
           "data transfer is an input. Taxes, support plans, CloudWatch, load balancers, KMS, Secrets Manager, "
           "snapshots beyond the free allowance and cross-AZ traffic are not included.", "",
           "| Line | Configuration | Monthly (min) | Monthly (max) |", "|---|---|---:|---:|"]
    for line in report["lines"]:
        out.append(f"| {line['label']} | {line['detail']} | {_money(line['monthly_min'])} | {_money(line['monthly_max'])} |")
    out.append(f"| **Total** | | **{_money(report['total_min'])}** | **{_money(report['total_max'])}** |")
    if "design_comparison" in report:
        out += ["", "## Compared with the design document", "",
                "| Design line | Design | Estimate (min) | Estimate (max) | Difference (min) |", "|---|---:|---:|---:|---:|"]
        for row in report["design_comparison"]:
            out.append(f"| {row['label']} | {_money(row['design'])} | {_money(row['estimate_min'])} | "
                       f"{_money(row['estimate_max'])} | {_money(row['difference_min'])} |")
        out.append(f"| **Total** | **{_money(report['design_total'])}** | **{_money(report['total_min'])}** | "
                   f"**{_money(report['total_max'])}** | **{_money(report['total_min'] - report['design_total'])}** |")
        out += ["", "Why the lines differ: docs/cost.md."]
    out += ["", "## Price sources", "", "| Price | USD | Confidence | Source |", "|---|---:|---|---|"]
    for section, entries in prices.items():
        if not isinstance(entries, dict):
            continue
        for name, entry in entries.items():
            if isinstance(entry, dict) and "price" in entry:
                out.append(f"| {section} {name} | {entry['price']} | {entry.get('confidence', '')} | {entry.get('source', '')} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inventory", "-i", required=True, type=Path, help="inventory directory, e.g. inventories/production")
    parser.add_argument("--output-dir", type=Path, default=REPO / "reports")
    parser.add_argument("--prices", type=Path, help="price table (default: tools/prices/<aws_region>.yml)")
    parser.add_argument("--data-transfer-gb", type=float, default=500.0, help="GB a month out to the internet (default 500)")
    parser.add_argument("--nat-processed-gb", type=float, help="GB a month through the NAT gateways (default: the data transfer)")
    args = parser.parse_args(argv)

    inventory = args.inventory if args.inventory.is_absolute() else (Path.cwd() / args.inventory)
    values = load_inventory_vars(inventory)
    env = values.get("platform_environment") or inventory.name
    region = values.get("aws_region", "us-east-1")
    price_file = args.prices or PRICES_DIR / f"{region}.yml"
    if not price_file.is_file():
        print(f"No price table for region {region}: create {price_file}", file=sys.stderr)
        return 2
    prices = yaml.safe_load(price_file.read_text())
    nat_gb = args.nat_processed_gb if args.nat_processed_gb is not None else args.data_transfer_gb
    try:
        report = estimate(values, prices, price_file, args.data_transfer_gb, nat_gb)
    except PriceMissing as exc:
        print(f"Cannot price {env}: {exc}", file=sys.stderr)
        return 2
    report["environment"] = env
    if env == "production":
        baseline = yaml.safe_load((PRICES_DIR / "design-baseline.yml").read_text())
        report["design_comparison"] = compare_with_design(report, baseline)
        report["design_total"] = baseline["total"]

    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / f"cost-{env}.json").write_text(json.dumps(report, indent=2) + "\n")
    markdown = render_markdown(env, report, prices)
    (args.output_dir / f"cost-{env}.md").write_text(markdown)
    print(f"{env}: {_money(report['total_min'])} - {_money(report['total_max'])} a month "
          f"(reports in {args.output_dir}/cost-{env}.md and .json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
