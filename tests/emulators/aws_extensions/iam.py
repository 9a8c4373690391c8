"""IAM: the AWS managed policies the roles attach, OpenID Connect provider client IDs
(cardplatform.aws.iam_oidc_provider)."""

from __future__ import annotations


# AWS managed policies that roles attach: RDS enhanced monitoring, EKS cluster and nodes.
AWS_MANAGED_POLICIES = [
    "AmazonRDSEnhancedMonitoringRole",
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
]


def iam_aws_managed_policies() -> None:
    """Provide the AWS managed policies the roles attach (``AWS_MANAGED_POLICIES``).

    moto loads AWS managed policies only with MOTO_IAM_LOAD_MANAGED_POLICIES=true (slow:
    over a thousand of them); add these from moto's own data on top of whatever the
    original (or another extension) returns.
    """
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data
    from moto.iam.models import AWSManagedPolicy, IAMBackend

    original = IAMBackend._init_aws_policies

    def _init_aws_policies(self):  # type: ignore[no-untyped-def]
        policies = list(original(self))
        have = {p.name for p in policies}
        data = json.loads(aws_managed_policies_data)
        for name in AWS_MANAGED_POLICIES:
            if name not in have and name in data:
                policies.append(AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data[name]))
        return policies

    IAMBackend._init_aws_policies = _init_aws_policies  # type: ignore[method-assign]


def iam_oidc_provider_client_ids() -> None:
    """IAM AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider.

    moto 5.2.5 does not implement them (the server answers an error for an unknown
    action). Stateful: they change the provider's ClientIDList as AWS does (adding an
    existing ID, or removing a missing one, is not an error).
    """
    from moto.core.responses import EmptyResult
    from moto.iam.responses import IamResponse

    def add_client_id_to_open_id_connect_provider(self):  # type: ignore[no-untyped-def]
        provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
        client_id = self._get_param("ClientID")
        if client_id not in provider.client_id_list:
            provider.client_id_list.append(client_id)
        return EmptyResult()

    def remove_client_id_from_open_id_connect_provider(self):  # type: ignore[no-untyped-def]
        provider = self.backend.get_open_id_connect_provider(self._get_param("OpenIDConnectProviderArn"))
        client_id = self._get_param("ClientID")
        if client_id in provider.client_id_list:
            provider.client_id_list.remove(client_id)
        return EmptyResult()

    IamResponse.add_client_id_to_open_id_connect_provider = add_client_id_to_open_id_connect_provider  # type: ignore[attr-defined]
    IamResponse.remove_client_id_from_open_id_connect_provider = remove_client_id_from_open_id_connect_provider  # type: ignore[attr-defined]
