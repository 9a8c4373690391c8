"""EC2 and VPC: NAT gateway tags, security group rule descriptions, launch template tags,
interface endpoints' private DNS."""

from __future__ import annotations


def ec2_nat_gateway_tag_resource_type() -> None:
    """DescribeTags reports NAT gateways as resource type ``natgateway``, as AWS does.

    moto 5.2.5 files them under ``nat-gateway``, so a ``resource-type=natgateway``
    filter (what amazon.aws.ec2_vpc_nat_gateway uses to read its tags) finds none
    and the module re-tags the gateway on every run.
    """
    from moto.ec2 import utils as ec2_utils

    ec2_utils.EC2_PREFIX_TO_RESOURCE["nat"] = "natgateway"


def ec2_security_group_rule_description_return() -> None:
    """UpdateSecurityGroupRuleDescriptions{Ingress,Egress} answer ``<return>true</return>``.

    AWS returns ``Return: true``; moto 5.2.5 returns an empty result, and
    amazon.aws.ec2_security_group (which reads ``["Return"]``) then fails with
    KeyError 'Return' whenever it only has to add a rule description.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses.security_groups import SecurityGroups

    for name in ("update_security_group_rule_descriptions_ingress", "update_security_group_rule_descriptions_egress"):
        original = getattr(SecurityGroups, name)

        def patched(self, _original=original):  # type: ignore[no-untyped-def]
            _original(self)
            return ActionResult({"Return": True})

        setattr(SecurityGroups, name, patched)


def ec2_launch_template_tags_stay_on_the_template() -> None:
    """CreateLaunchTemplate's own TagSpecifications tag the template, not its data.

    moto 5.2.5 copies the request's ``launch-template`` tag specification into
    version 1's LaunchTemplateData, where AWS never has it (that field only takes
    instance, volume, network-interface ... tags). amazon.aws.ec2_launch_template then
    sees a difference and creates version 2 on the next run.
    """
    from moto.ec2.models.launch_templates import LaunchTemplateBackend

    original = LaunchTemplateBackend.create_launch_template

    def create_launch_template(self, name, description, template_data, tag_spec):  # type: ignore[no-untyped-def]
        specs = template_data.get("TagSpecifications")
        if specs:
            kept = [s for s in specs if s.get("ResourceType") != "launch-template"]
            if kept:
                template_data["TagSpecifications"] = kept
            else:
                template_data.pop("TagSpecifications")
        return original(self, name, description, template_data, tag_spec)

    LaunchTemplateBackend.create_launch_template = create_launch_template  # type: ignore[method-assign]


def ec2_interface_endpoint_private_dns_default() -> None:
    """CreateVpcEndpoint: an interface endpoint has private DNS on unless the request says no.

    AWS API: ``PrivateDnsEnabled`` defaults to true for interface endpoints of AWS services.
    moto 5.2.5 stores None (DescribeVpcEndpoints then reports false), so a verifier reading the
    endpoint back sees private DNS off where AWS has it on.
    """
    from moto.ec2.models.vpcs import VPCBackend

    if getattr(VPCBackend, "_cardplatform_private_dns_default", False):
        return
    VPCBackend._cardplatform_private_dns_default = True  # type: ignore[attr-defined]
    original = VPCBackend.create_vpc_endpoint

    def create_vpc_endpoint(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        endpoint = original(self, *args, **kwargs)
        if (endpoint.vpc_endpoint_type or "").lower() == "interface" and endpoint.private_dns_enabled is None:
            endpoint.private_dns_enabled = True
        return endpoint

    VPCBackend.create_vpc_endpoint = create_vpc_endpoint  # type: ignore[method-assign]
