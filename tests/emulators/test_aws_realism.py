"""The AWS emulator's realism layer (aws_realism.py): request log, deterministic fault
injection, resource lifecycles. Each test talks to a real emulator process with boto3."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker, TransientRetryableChecker

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import aws_realism  # noqa: E402

ROLE = "arn:aws:iam::123456789012:role/emulator-test"
NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(tmp_path: Path, name: str, **env: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_EMULATOR_")}
    full_env.update(env)
    proc = subprocess.Popen([sys.executable, str(HERE / "aws_server.py"), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=full_env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((tmp_path / f"{name}.log").read_text())
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the AWS emulator did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def control(endpoint: str, method: str, path: str, body=None):  # type: ignore[no-untyped-def]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(endpoint + path, data=data, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):  # type: ignore[no-untyped-def]
    proc, url = start_server(tmp_path_factory.mktemp("aws"), "moto", AWS_EMULATOR_TIME_SCALE="0")
    yield url
    stop_server(proc)


@pytest.fixture()
def aws(endpoint):  # type: ignore[no-untyped-def]
    """A clean emulator: moto reset, no faults, empty log, start-up lifecycle settings."""
    global SUFFIX
    SUFFIX += 1  # moto is not reset (a reset costs seconds of backend set-up): unique names instead
    control(endpoint, "DELETE", "/_emulator/faults")
    control(endpoint, "DELETE", "/_emulator/lifecycle")
    control(endpoint, "DELETE", "/_emulator/requests")

    def client(service: str, config: Config | None = None):  # type: ignore[no-untyped-def]
        return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                            aws_secret_access_key="testing", config=config)

    client.endpoint = endpoint  # type: ignore[attr-defined]
    client.ctl = lambda method, path, body=None: control(endpoint, method, path, body)  # type: ignore[attr-defined]
    return client


def network(aws):  # type: ignore[no-untyped-def]
    ec2 = aws("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
               for i, az in enumerate("ab")]
    return vpc, subnets


def create_rds(rds, name: str, multi_az: bool = True):  # type: ignore[no-untyped-def]
    return rds.create_db_instance(
        DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="app",
        MasterUserPassword="not-a-real-secret-1", AllocatedStorage=20, MultiAZ=multi_az, BackupRetentionPeriod=7,
    )["DBInstance"]


def create_broker(mq, name: str = "events"):  # type: ignore[no-untyped-def]
    return mq.create_broker(
        BrokerName=N(name), EngineType="RABBITMQ", EngineVersion="3.13", HostInstanceType="mq.m5.large",
        DeploymentMode="CLUSTER_MULTI_AZ", PubliclyAccessible=False, AutoMinorVersionUpgrade=True,
        Users=[{"Username": "admin", "Password": "not-a-real-secret-1"}],
    )["BrokerId"]


def observe(read, final: str, timeout: float = 10.0) -> list[str]:  # type: ignore[no-untyped-def]
    """Poll a status until `final`; return the distinct states seen, in order."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = read()
        if not seen or seen[-1] != state:
            seen.append(state)
        if state == final:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"never reached {final}: {seen}")


def error_of(call) -> ClientError:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value


FAST = {"Delay": 1, "MaxAttempts": 30}
SUFFIX = 0


def N(base: str) -> str:
    """A resource name unique to the running test."""
    return f"{base}-{SUFFIX}"


# --------------------------------------------------------------------------------------------
# In-process: operation names and the read/write classification
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "method", "path", "query", "operation"),
    [
        ("eks", "POST", "/clusters", {}, "CreateCluster"),
        ("eks", "GET", "/clusters", {}, "ListClusters"),
        ("eks", "GET", "/clusters/platform", {}, "DescribeCluster"),
        ("eks", "DELETE", "/clusters/platform", {}, "DeleteCluster"),
        ("eks", "POST", "/clusters/platform/node-groups", {}, "CreateNodegroup"),
        ("eks", "GET", "/clusters/platform/node-groups/system", {}, "DescribeNodegroup"),
        ("eks", "POST", "/clusters/platform/update-config", {}, "UpdateClusterConfig"),
        ("eks", "POST", "/clusters/platform/updates", {}, "UpdateClusterVersion"),
        ("eks", "GET", "/clusters/platform/updates/abc", {}, "DescribeUpdate"),
        ("mq", "POST", "/v1/brokers", {}, "CreateBroker"),
        ("mq", "GET", "/v1/brokers/b-1", {}, "DescribeBroker"),
        ("mq", "POST", "/v1/brokers/b-1/reboot", {}, "RebootBroker"),
        ("mq", "DELETE", "/v1/brokers/b-1", {}, "DeleteBroker"),
    ],
)
def test_rest_paths_map_to_operations(service, method, path, query, operation):  # type: ignore[no-untyped-def]
    assert aws_realism.RESOLVER.rest_operation(service, method, path, query)[0] == operation


@pytest.mark.parametrize(
    ("service", "operation", "mutating"),
    [
        ("ec2", "DescribeVpcs", False), ("ec2", "CreateVpc", True), ("rds", "ModifyDBInstance", True),
        ("sts", "GetCallerIdentity", False), ("secretsmanager", "GetSecretValue", False),
        ("secretsmanager", "GetRandomPassword", False), ("secretsmanager", "PutSecretValue", True),
        ("kms", "Decrypt", False), ("kms", "Encrypt", False), ("kms", "CreateKey", True),
        ("eks", "ListClusters", False), ("eks", "TagResource", True), ("elasticache", "TestFailover", True),
        ("logs", "FilterLogEvents", False), ("iam", "SimulatePrincipalPolicy", False),
    ],
)
def test_read_write_classification(service, operation, mutating):  # type: ignore[no-untyped-def]
    assert aws_realism.is_mutating(service, operation) is mutating


def test_ec2_dry_run_is_not_a_write():
    assert aws_realism.is_mutating("ec2", "CreateVpc", dry_run=True) is False


# --------------------------------------------------------------------------------------------
# Request log
# --------------------------------------------------------------------------------------------


def test_request_log_names_every_call(aws):  # type: ignore[no-untyped-def]
    ec2, eks, sm, kms, sts, mq = (aws(s) for s in ("ec2", "eks", "secretsmanager", "kms", "sts", "mq"))
    vpc, subnets = network(aws)
    ec2.describe_vpcs(VpcIds=[vpc])
    assert error_of(lambda: ec2.create_vpc(CidrBlock="10.1.0.0/16", DryRun=True)).response["Error"]["Code"] == "DryRunOperation"
    eks.create_cluster(name=N("platform"), roleArn=ROLE, resourcesVpcConfig={"subnetIds": subnets})
    eks.describe_cluster(name=N("platform"))
    assert error_of(lambda: eks.describe_cluster(name="missing")).response["Error"]["Code"] == "ResourceNotFoundException"
    sm.create_secret(Name=N("app/db"), SecretString="s3cr3t-value")
    sm.get_secret_value(SecretId=N("app/db"))
    sm.get_random_password(PasswordLength=20)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    kms.decrypt(CiphertextBlob=blob)
    sts.get_caller_identity()
    mq.list_brokers()

    log = aws.ctl("GET", "/_emulator/requests")
    calls = [(e["service"], e["operation"], e["mutating"]) for e in log]
    assert calls == [
        ("ec2", "CreateVpc", True), ("ec2", "CreateSubnet", True), ("ec2", "CreateSubnet", True),
        ("ec2", "DescribeVpcs", False), ("ec2", "CreateVpc", False),
        ("eks", "CreateCluster", True), ("eks", "DescribeCluster", False), ("eks", "DescribeCluster", False),
        ("secretsmanager", "CreateSecret", True), ("secretsmanager", "GetSecretValue", False),
        ("secretsmanager", "GetRandomPassword", False),
        ("kms", "CreateKey", True), ("kms", "Encrypt", False), ("kms", "Decrypt", False),
        ("sts", "GetCallerIdentity", False), ("mq", "ListBrokers", False),
    ]
    by_op = {(e["service"], e["operation"], e["status"]): e for e in log}
    assert by_op[("ec2", "CreateVpc", 412)]["dry_run"] is True
    assert by_op[("ec2", "CreateVpc", 412)]["error_code"] == "DryRunOperation"
    missing = by_op[("eks", "DescribeCluster", 404)]
    assert missing["error_code"] == "ResourceNotFoundException" and missing["fault"] is None
    assert {e["protocol"] for e in log} >= {"ec2", "rest-json", "json", "query"}
    assert all(e["region"] == "us-east-1" and e["time"] > 0 for e in log)
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)

    # ?since=, filters, and DELETE
    last = log[-1]["seq"]
    sts.get_caller_identity()
    assert [e["operation"] for e in aws.ctl("GET", f"/_emulator/requests?since={last}")] == ["GetCallerIdentity"]
    assert {e["operation"] for e in aws.ctl("GET", "/_emulator/requests?mutating=true&service=secretsmanager")} == {"CreateSecret"}
    assert aws.ctl("DELETE", "/_emulator/requests")["cleared"] == len(log) + 1
    assert aws.ctl("GET", "/_emulator/requests") == []
    sts.get_caller_identity()
    assert aws.ctl("GET", "/_emulator/requests")[0]["seq"] == last + 2  # numbering continues


def test_a_request_counts_as_in_flight_until_it_is_logged():
    log = aws_realism.RequestLog()
    log.begin()
    log.begin()
    assert log.in_flight == 2 and log.last_seq == 0
    log.append({"operation": "CreateCacheSubnetGroup"})
    log.end()
    assert log.in_flight == 1 and log.last_seq == 1
    log.end()
    assert log.in_flight == 0


def test_stats_report_no_request_in_flight_once_answered(aws):  # type: ignore[no-untyped-def]
    aws("sts").get_caller_identity()
    stats = aws.ctl("GET", "/_emulator/stats")
    assert stats["requests"] == 1 and stats["in_flight"] == 0


def test_control_api_rejects_bad_rules(aws):  # type: ignore[no-untyped-def]
    for rules, message in [
        ([{"kind": "explode"}], "kind must be one of"),
        ([{"kind": "throttle", "rate": 1.5}], "rate must be in [0, 1]"),
        ([{"kind": "throttle", "operaton": "Describe*"}], "unknown fault rule keys"),
        ([{"kind": "throttle", "after": True}], "after=true applies to kind server_error"),
        ({"rules": [], "seed": "x"}, "seed must be an integer"),
    ]:
        with pytest.raises(urllib.error.HTTPError) as caught:
            aws.ctl("POST", "/_emulator/faults", rules)
        assert caught.value.code == 400
        assert message in json.loads(caught.value.read())["error"]
    with pytest.raises(urllib.error.HTTPError) as caught:
        aws.ctl("POST", "/_emulator/lifecycle", {"durations": {"eks.cluster.craete": 1}})
    assert caught.value.code == 400


# --------------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------------

WIRE = [
    # service, call, throttle (code, status), server error (code, status)
    ("ec2", lambda c: c.describe_vpcs(), ("RequestLimitExceeded", 503), ("InternalError", 500)),
    ("rds", lambda c: c.describe_db_instances(), ("Throttling", 400), ("InternalFailure", 500)),
    ("elasticache", lambda c: c.describe_replication_groups(), ("Throttling", 400), ("InternalFailure", 500)),
    ("iam", lambda c: c.list_roles(), ("Throttling", 400), ("InternalFailure", 500)),
    ("sts", lambda c: c.get_caller_identity(), ("Throttling", 400), ("InternalFailure", 500)),
    ("secretsmanager", lambda c: c.list_secrets(), ("ThrottlingException", 400), ("InternalServiceError", 500)),
    ("kms", lambda c: c.list_keys(), ("ThrottlingException", 400), ("KMSInternalException", 500)),
    ("logs", lambda c: c.describe_log_groups(), ("ThrottlingException", 400), ("InternalFailure", 500)),
    ("cloudwatch", lambda c: c.describe_alarms(), ("ThrottlingException", 400), ("InternalFailure", 500)),
    ("eks", lambda c: c.list_clusters(), ("ThrottlingException", 429), ("ServerException", 500)),
    ("mq", lambda c: c.list_brokers(), ("ThrottlingException", 429), ("InternalServerErrorException", 500)),
]


def test_faults_answer_in_each_protocols_wire_format(aws):  # type: ignore[no-untyped-def]
    """Every injected fault parses in botocore to the AWS code, and botocore's standard retry
    mode classifies throttles as throttling and 5xx as transient."""
    throttling, transient = ThrottledRetryableChecker(), TransientRetryableChecker()

    def context(error: ClientError) -> RetryContext:  # what the standard retry strategy inspects
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        return RetryContext(attempt_number=1, parsed_response=error.response,
                            http_response=type("Response", (), {"status_code": status})())

    for service, call, (t_code, t_status), (e_code, e_status) in WIRE:
        client = aws(service, NO_RETRY)
        for kind, code, status in (("throttle", t_code, t_status), ("server_error", e_code, e_status)):
            aws.ctl("POST", "/_emulator/faults", [{"service": service, "kind": kind, "rate": 1}])
            error = error_of(lambda: call(client))
            assert (service, error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]) == (
                service, code, status)
            if kind == "throttle":
                assert throttling.is_retryable(context(error)), service
            else:
                assert transient.is_retryable(context(error)), service
    log = aws.ctl("GET", "/_emulator/requests")
    assert len(log) == 2 * len(WIRE)
    assert all(e["fault"] in ("throttle", "server_error") and e["error_code"] for e in log)


def faulted_sequence(aws, seed: int) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    aws.ctl("POST", "/_emulator/faults", {"seed": seed, "rules": [
        {"kind": "throttle", "rate": 0.3}, {"kind": "server_error", "rate": 0.1}]})
    ec2, rds, sm = aws("ec2", NO_RETRY), aws("rds", NO_RETRY), aws("secretsmanager", NO_RETRY)
    seq = aws.ctl("GET", "/_emulator/requests")
    since = seq[-1]["seq"] if seq else 0
    for _ in range(12):
        for call in (ec2.describe_vpcs, rds.describe_db_instances, sm.list_secrets):
            try:
                call()
            except ClientError:
                pass
    return [(e["operation"], e["fault"]) for e in aws.ctl("GET", f"/_emulator/requests?since={since}")]


def test_same_seed_same_faults(aws):  # type: ignore[no-untyped-def]
    first = faulted_sequence(aws, 42)
    again = faulted_sequence(aws, 42)  # POSTing rules restarts the per-operation counters
    other = faulted_sequence(aws, 43)
    assert first == again
    assert first != other
    faults = [f for _, f in first if f]
    assert 5 <= len(faults) <= 25 and {"throttle", "server_error"} <= set(faults)


def test_standard_retry_mode_survives_throttling_and_transient_errors(aws, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "10")
    aws.ctl("POST", "/_emulator/faults", {"seed": 7, "rules": [
        {"kind": "throttle", "rate": 0.2}, {"kind": "server_error", "rate": 0.05}]})
    ec2, rds, sm, eks, mq = (aws(s) for s in ("ec2", "rds", "secretsmanager", "eks", "mq"))
    tag = [{"ResourceType": "vpc", "Tags": [{"Key": "test", "Value": N("retry")}]}]
    vpcs = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16", TagSpecifications=tag)["Vpc"]["VpcId"] for i in range(6)]
    for i in range(6):
        sm.create_secret(Name=N("app") + f"/{i}", SecretString="not-a-real-secret")
        ec2.describe_vpcs(VpcIds=[vpcs[i]])
        rds.describe_db_instances()
        eks.list_clusters()
        mq.list_brokers()
    log = aws.ctl("GET", "/_emulator/requests")
    stats = aws.ctl("GET", "/_emulator/stats")
    rules = aws.ctl("GET", "/_emulator/faults")["rules"]
    aws.ctl("DELETE", "/_emulator/faults")
    injected = [e for e in log if e["fault"]]
    assert stats["faults"] == {k: sum(1 for e in injected if e["fault"] == k) for k in ("throttle", "server_error")}
    assert sum(r["injected"] for r in rules) == len(injected)
    assert {e["fault"] for e in injected} == {"throttle", "server_error"}
    assert {(e["service"], e["error_code"]) for e in injected if e["fault"] == "throttle"} >= {
        ("ec2", "RequestLimitExceeded")}
    # faults are injected before the call reaches moto: retried creates leave no duplicates
    assert len(aws("ec2").describe_vpcs(Filters=[{"Name": "tag:test", "Values": [N("retry")]}])["Vpcs"]) == 6
    assert len(aws("secretsmanager").list_secrets(Filters=[{"Key": "name", "Values": [N("app")]}])["SecretList"]) == 6


def test_server_error_after_the_call_took_effect(aws):  # type: ignore[no-untyped-def]
    aws.ctl("POST", "/_emulator/faults", [{"service": "secretsmanager", "operation": "CreateSecret",
                                             "kind": "server_error", "rate": 1, "after": True, "max": 1}])
    sm = aws("secretsmanager", NO_RETRY)
    assert error_of(lambda: sm.create_secret(Name=N("app/x"), SecretString="v")).response["Error"]["Code"] == "InternalServiceError"
    assert [s["Name"] for s in sm.list_secrets(Filters=[{"Key": "name", "Values": [N("app/x")]}])["SecretList"]] == [N("app/x")]
    assert error_of(lambda: sm.create_secret(Name=N("app/x"), SecretString="v")).response["Error"]["Code"] == "ResourceExistsException"


def test_not_found_shortly_after_create(aws):  # type: ignore[no-untyped-def]
    aws.ctl("POST", "/_emulator/faults", [
        {"service": "ec2", "operation": "Describe*", "kind": "not_found_after_create", "rate": 1, "window_s": 2},
        {"service": "rds", "kind": "not_found_after_create", "rate": 1, "window_s": 2},
        {"service": "eks", "operation": "DescribeCluster", "kind": "not_found_after_create", "rate": 1, "window_s": 2},
    ])
    ec2, rds, eks = aws("ec2", NO_RETRY), aws("rds", NO_RETRY), aws("eks", NO_RETRY)

    def code(call) -> str:  # type: ignore[no-untyped-def]
        return error_of(call).response["Error"]["Code"]

    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert code(lambda: ec2.describe_vpcs(VpcIds=[vpc])) == "InvalidVpcID.NotFound"
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"]  # filters are not covered
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    assert code(lambda: ec2.describe_subnets(SubnetIds=[subnet])) == "InvalidSubnetID.NotFound"
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    assert code(lambda: ec2.describe_nat_gateways(NatGatewayIds=[nat])) == "NatGatewayNotFound"
    create_rds(rds, N("ledger"))
    assert code(lambda: rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))) == "DBInstanceNotFound"
    eks.create_cluster(name=N("platform"), roleArn=ROLE, resourcesVpcConfig={"subnetIds": [subnet]})
    error = error_of(lambda: eks.describe_cluster(name=N("platform")))
    assert (error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]) == (
        "ResourceNotFoundException", 404)
    # the nat_gateway_available waiter retries on NatGatewayNotFound, as it does on AWS
    aws("ec2").get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat], WaiterConfig=FAST)
    time.sleep(2)
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["VpcId"] == vpc
    assert rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"]
    assert eks.describe_cluster(name=N("platform"))["cluster"]["name"] == N("platform")
    log = aws.ctl("GET", "/_emulator/requests")
    injected = sum(1 for e in log if e["fault"] == "not_found_after_create")
    assert injected >= 6
    assert aws.ctl("GET", "/_emulator/faults")["injected_total"]["not_found_after_create"] >= injected


# --------------------------------------------------------------------------------------------
# Lifecycles
# --------------------------------------------------------------------------------------------


def test_time_scale_zero_is_instant(aws):  # type: ignore[no-untyped-def]
    assert aws.ctl("GET", "/_emulator/lifecycle")["time_scale"] == 0.0
    vpc, subnets = network(aws)
    eks, rds, mq = aws("eks"), aws("rds"), aws("mq")
    assert eks.create_cluster(name=N("c"), roleArn=ROLE, resourcesVpcConfig={"subnetIds": subnets})["cluster"]["status"] == "ACTIVE"
    assert create_rds(rds, N("db"))["DBInstanceStatus"] == "available"
    broker = create_broker(mq)
    assert mq.describe_broker(BrokerId=broker)["BrokerState"] == "RUNNING"
    mq.delete_broker(BrokerId=broker)
    assert error_of(lambda: mq.describe_broker(BrokerId=broker)).response["Error"]["Code"] == "NotFoundException"


def test_resources_pass_through_their_aws_states(aws):  # type: ignore[no-untyped-def]
    aws.ctl("POST", "/_emulator/lifecycle", {"time_scale": 0.1})  # an AWS minute = 100 ms
    ec2, eks, rds, ec, mq = (aws(s) for s in ("ec2", "eks", "rds", "elasticache", "mq"))
    vpc, subnets = network(aws)

    def code(call) -> str:  # type: ignore[no-untyped-def]
        return error_of(call).response["Error"]["Code"]

    # each create answers the transitional state, and AWS's rejections apply meanwhile
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip)["NatGateway"]
    assert nat["State"] == "pending"
    assert eks.create_cluster(name=N("platform"), roleArn=ROLE, resourcesVpcConfig={"subnetIds": subnets})["cluster"][
        "status"] == "CREATING"
    error = error_of(lambda: eks.create_nodegroup(clusterName=N("platform"), nodegroupName="system", nodeRole=ROLE,
                                                  subnets=subnets))
    assert error.response["Error"]["Code"] == "InvalidRequestException"
    assert "not in ACTIVE status" in error.response["Error"]["Message"]
    assert create_rds(rds, N("ledger"))["DBInstanceStatus"] == "creating"
    assert "Endpoint" not in rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"][0]
    assert not eks.describe_cluster(name=N("platform"))["cluster"].get("endpoint")
    assert code(lambda: rds.create_db_instance_read_replica(DBInstanceIdentifier=N("ledger-ro"),
                                                            SourceDBInstanceIdentifier=N("ledger"))) == "InvalidDBInstanceState"
    assert code(lambda: rds.modify_db_instance(DBInstanceIdentifier=N("ledger"), BackupRetentionPeriod=30,
                                               ApplyImmediately=True)) == "InvalidDBInstanceState"
    group = ec.create_replication_group(
        ReplicationGroupId=N("sessions"), ReplicationGroupDescription="d", Engine="redis", CacheNodeType="cache.t3.micro",
        NumCacheClusters=2, AutomaticFailoverEnabled=True)["ReplicationGroup"]
    assert group["Status"] == "creating"
    assert code(lambda: ec.modify_replication_group(ReplicationGroupId=N("sessions"), ApplyImmediately=True,
                                                    ReplicationGroupDescription="new")) == "InvalidReplicationGroupState"
    broker = create_broker(mq)
    creating = mq.describe_broker(BrokerId=broker)
    assert (creating["BrokerState"], creating.get("BrokerInstances")) in (("CREATION_IN_PROGRESS", []),
                                                                          ("CREATION_IN_PROGRESS", None))
    error = error_of(lambda: mq.delete_broker(BrokerId=broker))
    assert error.response["Error"]["Code"] == "BadRequestException"
    assert "CREATION_IN_PROGRESS" in error.response["Error"]["Message"]

    # the states in order, then the boto3 waiters the roles' modules use
    assert observe(lambda: rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"][0]["DBInstanceStatus"],
                   "available") == ["creating", "backing-up", "available"]
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat["NatGatewayId"]], WaiterConfig=FAST)
    eks.get_waiter("cluster_active").wait(name=N("platform"), WaiterConfig=FAST)
    assert eks.create_nodegroup(clusterName=N("platform"), nodegroupName="system", nodeRole=ROLE,
                                subnets=subnets)["nodegroup"]["status"] == "CREATING"
    assert rds.create_db_instance_read_replica(DBInstanceIdentifier=N("ledger-ro"), SourceDBInstanceIdentifier=N("ledger"))[
        "DBInstance"]["DBInstanceStatus"] == "creating"
    observe(lambda: mq.describe_broker(BrokerId=broker)["BrokerState"], "RUNNING")
    assert mq.describe_broker(BrokerId=broker)["BrokerInstances"][0]["Endpoints"]
    assert rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"][0]["Endpoint"]["Address"]
    assert eks.describe_cluster(name=N("platform"))["cluster"]["endpoint"].startswith("https://")
    eks.get_waiter("nodegroup_active").wait(clusterName=N("platform"), nodegroupName="system", WaiterConfig=FAST)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=N("ledger-ro"), WaiterConfig=FAST)
    ec.get_waiter("replication_group_available").wait(ReplicationGroupId=N("sessions"), WaiterConfig=FAST)
    members = [c for c in ec.describe_cache_clusters()["CacheClusters"] if c.get("ReplicationGroupId") == N("sessions")]
    assert members and {c["CacheClusterStatus"] for c in members} == {"available"}
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["State"] == "available"


def test_updates_reboots_and_deletes_take_time(aws):  # type: ignore[no-untyped-def]
    ec2, eks, rds, ec, mq = (aws(s) for s in ("ec2", "eks", "rds", "elasticache", "mq"))
    vpc, subnets = network(aws)
    eks.create_cluster(name=N("platform"), roleArn=ROLE, resourcesVpcConfig={"subnetIds": subnets})
    eks.create_nodegroup(clusterName=N("platform"), nodegroupName="system", nodeRole=ROLE, subnets=subnets)
    create_rds(rds, N("ledger"))
    ec.create_replication_group(ReplicationGroupId=N("sessions"), ReplicationGroupDescription="d", Engine="redis",
                                CacheNodeType="cache.t3.micro", NumCacheClusters=2, AutomaticFailoverEnabled=True)
    broker = create_broker(mq)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=eip)["NatGateway"]["NatGatewayId"]
    aws.ctl("POST", "/_emulator/lifecycle", {"time_scale": 0.05})  # everything exists; now AWS-slow

    # EKS: an update is InProgress and the cluster UPDATING; a second update is refused
    update = eks.update_cluster_config(name=N("platform"), resourcesVpcConfig={"endpointPrivateAccess": True})["update"]
    assert update["status"] == "InProgress"
    assert eks.describe_cluster(name=N("platform"))["cluster"]["status"] == "UPDATING"
    error = error_of(lambda: eks.update_cluster_config(name=N("platform"), logging={"clusterLogging": []}))
    assert error.response["Error"]["Code"] == "ResourceInUseException"
    eks.get_waiter("cluster_active").wait(name=N("platform"), WaiterConfig=FAST)
    assert eks.describe_update(name=N("platform"), updateId=update["id"])["update"]["status"] == "Successful"
    # a node group being deleted still blocks the cluster's deletion, as on AWS
    eks.delete_nodegroup(clusterName=N("platform"), nodegroupName="system")
    assert eks.describe_nodegroup(clusterName=N("platform"), nodegroupName="system")["nodegroup"]["status"] == "DELETING"
    assert error_of(lambda: eks.delete_cluster(name=N("platform"))).response["Error"]["Code"] == "ResourceInUseException"
    eks.get_waiter("nodegroup_deleted").wait(clusterName=N("platform"), nodegroupName="system", WaiterConfig=FAST)
    assert eks.delete_cluster(name=N("platform"))["cluster"]["status"] == "DELETING"
    eks.get_waiter("cluster_deleted").wait(name=N("platform"), WaiterConfig=FAST)

    # RDS: rebooting (forced failover), no modification meanwhile, deleting then gone. The reboot is the
    # shortest phase (1.5 s); at 0.05 it lasts 75 ms, less than two calls on a loaded CI machine: slow it down
    aws.ctl("POST", "/_emulator/lifecycle", {"time_scale": 0.5})
    rds.reboot_db_instance(DBInstanceIdentifier=N("ledger"), ForceFailover=True)
    assert error_of(lambda: rds.modify_db_instance(DBInstanceIdentifier=N("ledger"), BackupRetentionPeriod=30,
                                                   ApplyImmediately=True)).response["Error"]["Code"] == "InvalidDBInstanceState"
    assert observe(lambda: rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"][0]["DBInstanceStatus"],
                   "available") == ["rebooting", "available"]
    aws.ctl("POST", "/_emulator/lifecycle", {"time_scale": 0.05})
    rds.modify_db_instance(DBInstanceIdentifier=N("ledger"), BackupRetentionPeriod=30, ApplyImmediately=True)
    assert rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"][0]["DBInstanceStatus"] == "modifying"
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=N("ledger"), WaiterConfig=FAST)
    rds.delete_db_instance(DBInstanceIdentifier=N("ledger"), SkipFinalSnapshot=True)
    assert rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))["DBInstances"][0]["DBInstanceStatus"] == "deleting"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            rds.describe_db_instances(DBInstanceIdentifier=N("ledger"))
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "DBInstanceNotFound"
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the deleted instance never went away")

    # ElastiCache: modifying, then deleting until gone
    ec.modify_replication_group(ReplicationGroupId=N("sessions"), ReplicationGroupDescription="new", ApplyImmediately=True)
    assert ec.describe_replication_groups(ReplicationGroupId=N("sessions"))["ReplicationGroups"][0]["Status"] == "modifying"
    ec.get_waiter("replication_group_available").wait(ReplicationGroupId=N("sessions"), WaiterConfig=FAST)
    ec.delete_replication_group(ReplicationGroupId=N("sessions"))
    assert ec.describe_replication_groups(ReplicationGroupId=N("sessions"))["ReplicationGroups"][0]["Status"] == "deleting"
    ec.get_waiter("replication_group_deleted").wait(ReplicationGroupId=N("sessions"), WaiterConfig=FAST)

    # Amazon MQ: REBOOT_IN_PROGRESS, DELETION_IN_PROGRESS, gone
    mq.reboot_broker(BrokerId=broker)
    assert mq.describe_broker(BrokerId=broker)["BrokerState"] == "REBOOT_IN_PROGRESS"
    assert error_of(lambda: mq.reboot_broker(BrokerId=broker)).response["Error"]["Code"] == "BadRequestException"
    observe(lambda: mq.describe_broker(BrokerId=broker)["BrokerState"], "RUNNING")
    mq.delete_broker(BrokerId=broker)
    def summaries() -> list[dict]:
        return [b for b in mq.list_brokers()["BrokerSummaries"] if b["BrokerId"] == broker]

    assert summaries()[0]["BrokerState"] == "DELETION_IN_PROGRESS"
    observe(lambda: str(len(summaries())), "0")

    # NAT gateway: deleting, then deleted
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert observe(lambda: ec2.describe_nat_gateways(NatGatewayIds=[nat])["NatGateways"][0]["State"],
                   "deleted") == ["deleting", "deleted"]


# --------------------------------------------------------------------------------------------
# Configuration from the environment
# --------------------------------------------------------------------------------------------


def test_environment_configures_faults_seed_and_time_scale(tmp_path):  # type: ignore[no-untyped-def]
    rules = [{"service": "sts", "operation": "GetCallerIdentity", "kind": "throttle", "rate": 1, "max": 2}]
    proc, url = start_server(tmp_path, "env", AWS_EMULATOR_FAULTS=json.dumps(rules), AWS_EMULATOR_SEED="99",
                             AWS_EMULATOR_TIME_SCALE="0.5", AWS_EMULATOR_DURATIONS='{"eks.cluster.create": 4}')
    try:
        faults = control(url, "GET", "/_emulator/faults")
        assert faults["seed"] == 99 and faults["rules"][0]["kind"] == "throttle"
        lifecycle = control(url, "GET", "/_emulator/lifecycle")
        assert lifecycle["time_scale"] == 0.5 and lifecycle["seconds"]["eks.cluster.create"] == 2.0
        sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing", config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
        assert sts.get_caller_identity()["Account"]  # two throttles (max 2), then through
        log = control(url, "GET", "/_emulator/requests")
        assert [(e["fault"], e["status"]) for e in log] == [("throttle", 400), ("throttle", 400), (None, 200)]
    finally:
        stop_server(proc)
    bad = subprocess.run([sys.executable, str(HERE / "aws_server.py"), "--port", str(free_port())],
                         env={**os.environ, "AWS_EMULATOR_FAULTS": '[{"kind": "boom"}]'}, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode != 0 and "kind must be one of" in bad.stderr
