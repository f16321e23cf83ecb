"""Private endpoints of an account, each with its private DNS zone group."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import network

from foundry_estate.manifest.model import PrivateEndpoint as PrivateEndpointSpec

from .scope import AccountScope
from .naming import child_name
from .serial import WriteQueue


def private_endpoint(spec: PrivateEndpointSpec, account: AccountScope, account_id: pulumi.Input[str],
                     queue: WriteQueue, parent: pulumi.Resource) -> network.PrivateEndpoint:
    """A private endpoint to the account (a write under it, so queued) and its DNS registration."""
    endpoint = queue.write(lambda o: network.PrivateEndpoint(
        child_name(account.name, spec.name),
        private_endpoint_name=spec.name,
        resource_group_name=account.resource_group_name,
        location=spec.location,
        subnet={"id": spec.subnet_id},
        custom_network_interface_name=f"{spec.name}-nic",
        private_link_service_connections=[{
            "name": spec.name,
            "private_link_service_id": account_id,
            "group_ids": ["account"],
        }],
        tags=account.tags,
        opts=o), pulumi.ResourceOptions(parent=parent))  # a network resource: it outlives the account
    if spec.private_dns_zone_ids:
        network.PrivateDnsZoneGroup(
            child_name(account.name, spec.name, "default"),
            private_endpoint_name=spec.name,
            private_dns_zone_group_name="default",
            resource_group_name=account.resource_group_name,
            private_dns_zone_configs=[
                {"name": zone_id.rsplit("/", 1)[-1].replace(".", "-"), "private_dns_zone_id": zone_id}
                for zone_id in spec.private_dns_zone_ids
            ],
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[endpoint], deleted_with=endpoint,
                                        replace_with=[endpoint]))
    return endpoint
