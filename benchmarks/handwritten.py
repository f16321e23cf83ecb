"""The baseline: the estate of a manifest, written by hand with plain pulumi_azure_native calls.

What a competent engineer would write without the kit: no components, no validation, no
typed model; it reads the manifest as plain data (already parsed, e.g. by `yaml.safe_load`)
and trusts it. It registers the same custom resources as the kit (same types, logical
names, inputs, protect, deletedWith and dependencies), so the two plans can be compared
resource for resource; only the parents differ (the stack, as there are no components).

Writes under one account are serialized, as Azure requires (409 Conflict otherwise). Plain
`depends_on=[previous]` cannot do that at this size: the SDK walks the whole chain behind
each link to look for cycles (quadratic, and RecursionError past ~1,000 links), so any
hand-written program serializing a 2,000-item blocklist has to name the previous write by
URN, as below.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pulumi
from pulumi.resource import DependencyResource
from pulumi_azure_native import authorization, cognitiveservices, monitor, network, resources

from foundry_estate.azure.roles import BUILTIN_ROLES

ROLES = BUILTIN_ROLES  # data, not logic: the baseline takes the role table from the kit
ROLE_NAMESPACE = uuid.UUID("0d3f6a52-8f4e-4b8e-9c55-6b1f0f6f1a10")
FILTER_NAMES = {"hate": "Hate", "sexual": "Sexual", "violence": "Violence", "selfHarm": "Selfharm",
                "jailbreak": "Jailbreak", "indirectAttack": "Indirect Attack", "profanity": "Profanity",
                "protectedMaterialText": "Protected Material Text", "protectedMaterialCode": "Protected Material Code"}
HARMS = ("hate", "sexual", "violence", "selfHarm")
# The order Azure returns a policy's filters in (its GetRaiPolicy example), prompt before completion.
AZURE_ORDER = ("Hate", "Sexual", "Selfharm", "Violence", "Jailbreak", "Indirect Attack", "Protected Material Text",
               "Protected Material Code", "Profanity")
SEVERITY = {"low": "Low", "medium": "Medium", "high": "High"}


def after(resource: pulumi.Resource) -> pulumi.Output[pulumi.Resource]:
    """`resource` by URN, for `depends_on` (see the module docstring)."""
    async def stand_in() -> pulumi.Resource:
        return DependencyResource(await resource.urn.future())

    async def known() -> bool:
        return True

    return pulumi.Output(resources=set(), future=stand_in(), is_known=known())


def item_name(pattern: str, regex: bool) -> str:
    return hashlib.sha256(json.dumps([pattern, regex]).encode("utf-8")).hexdigest()[:24]


def policy_properties(spec: dict[str, Any]) -> dict[str, Any]:
    filters = []
    for source in ("prompt", "completion"):
        for category, setting in (spec.get(source) or {}).items():
            entry = {"name": FILTER_NAMES[category], "source": source.capitalize(),
                     "enabled": setting != "off", "blocking": setting not in ("annotate", "off")}
            if category in HARMS:
                entry["severity_threshold"] = SEVERITY.get(setting, "Low" if setting == "annotate" else "High")
            filters.append(entry)
    filters.sort(key=lambda f: (AZURE_ORDER.index(f["name"]), f["source"] != "Prompt"))  # as Azure lists them
    return {"base_policy_name": spec.get("base", "Microsoft.DefaultV2"), "mode": spec.get("mode", "Default"),
            "content_filters": filters,
            "custom_blocklists": [{"blocklist_name": name, "blocking": True, "source": source}
                                  for name in spec.get("blocklists") or []
                                  for source in ("Prompt", "Completion")]}


def program(data: dict[str, Any]) -> None:
    location = data.get("location")
    stack_tags = data.get("tags") or {}
    group = data["resourceGroup"]
    rg_name: pulumi.Input[str] = group["name"]
    if group.get("create", True):
        rg_name = resources.ResourceGroup(group["name"], resource_group_name=group["name"], location=location,
                                          tags=dict(sorted(stack_tags.items()))).name
    filters = data.get("contentFilters") or {}
    blocklists = data.get("blocklists") or {}
    outputs = {}
    subscription = authorization.get_client_config_output().subscription_id

    for spec in sorted(data["accounts"].values(), key=lambda a: a["name"].lower()):
        name = spec["name"]
        account_location = spec.get("location") or location
        subdomain = spec.get("subdomain") or name
        kind = spec.get("kind", "AIServices")
        tags = dict(sorted({**stack_tags, **(spec.get("tags") or {})}.items()))
        endpoints = sorted(spec.get("privateEndpoints") or [],
                           key=lambda pe: (pe.get("name") or f"pe-{name}-{pe['subnetId'].split('/')[8]}").lower())
        properties: dict[str, Any] = {"custom_sub_domain_name": subdomain,
                                      "disable_local_auth": not spec.get("localAuth", False),
                                      "public_network_access": spec.get("publicNetworkAccess",
                                                                        "Disabled" if endpoints else "Enabled")}
        if kind == "AIServices":
            properties["allow_project_management"] = True
        if spec.get("networkAcls"):
            acls = spec["networkAcls"]
            ip_rules, subnets = acls.get("ipRules") or [], acls.get("virtualNetworkRules") or []
            properties["network_acls"] = {  # empty lists are not sent (azure-native reads none back)
                "default_action": acls["defaultAction"], "bypass": acls.get("bypass", "AzureServices"),
                **({"ip_rules": [{"value": r} for r in ip_rules]} if ip_rules else {}),
                **({"virtual_network_rules": [{"id": s} for s in subnets]} if subnets else {})}
        account = cognitiveservices.Account(
            name, account_name=name, resource_group_name=rg_name, location=account_location, kind=kind,
            sku={"name": spec.get("sku", "S0")}, identity={"type": spec.get("identity", "SystemAssigned")},
            properties=properties, tags=tags, opts=pulumi.ResourceOptions(protect=spec.get("protect", True)))

        last: pulumi.Resource = account

        # Lives inside the account: Azure deletes it with the account, and a new account is empty.
        inside = pulumi.ResourceOptions(deleted_with=account, replace_with=[account])

        def queued(in_account: bool = True) -> pulumi.ResourceOptions:
            after_last = pulumi.ResourceOptions(depends_on=[after(last)])
            return pulumi.ResourceOptions.merge(inside, after_last) if in_account else after_last

        deployments = spec.get("deployments") or {}
        used_filters = sorted({d.get("contentFilter", "Microsoft.DefaultV2") for d in deployments.values()} & set(filters))
        for list_name in sorted({b for f in used_filters for b in filters[f].get("blocklists") or []}):
            blocklist = blocklists[list_name]
            last = cognitiveservices.RaiBlocklist(
                f"{name}/{list_name}", account_name=name, resource_group_name=rg_name, rai_blocklist_name=list_name,
                properties={"description": blocklist["description"]} if blocklist.get("description") else {},
                tags=tags, opts=queued())
            items = [(i, False) if isinstance(i, str) else (i["pattern"], i.get("regex", False))
                     for i in blocklist.get("items") or []]
            for pattern, regex in sorted(items, key=lambda i: item_name(*i)):
                item = item_name(pattern, regex)
                last = cognitiveservices.RaiBlocklistItem(
                    f"{name}/{list_name}/{item}", account_name=name, resource_group_name=rg_name,
                    rai_blocklist_name=list_name, rai_blocklist_item_name=item,
                    properties={"pattern": pattern, "is_regex": regex}, opts=queued())
        for filter_name in used_filters:
            last = cognitiveservices.RaiPolicy(
                f"{name}/{filter_name}", account_name=name, resource_group_name=rg_name, rai_policy_name=filter_name,
                properties=policy_properties(filters[filter_name]), tags=tags, opts=queued())

        ordered: list[str] = []  # by name, a spillover target before the deployment naming it
        for deployment_name in sorted(deployments):
            target = deployments[deployment_name].get("spillover")
            for candidate in ([target] if target in deployments else []) + [deployment_name]:
                if candidate not in ordered:
                    ordered.append(candidate)
        for deployment_name in ordered:
            deployment = deployments[deployment_name]
            model = deployment["model"]
            deployment_properties = {
                "model": {"format": model["format"], "name": model["name"], "version": model["version"]},
                "rai_policy_name": deployment.get("contentFilter", "Microsoft.DefaultV2"),
                "version_upgrade_option": deployment.get("versionUpgrade", "NoAutoUpgrade")}
            if deployment.get("spillover"):
                deployment_properties["spillover_deployment_name"] = deployment["spillover"]
            last = cognitiveservices.Deployment(
                f"{name}/{deployment_name}", account_name=name, resource_group_name=rg_name,
                deployment_name=deployment_name, sku={"name": deployment["sku"], "capacity": deployment["capacity"]},
                properties=deployment_properties, tags=tags, opts=queued())

        for project_name, project in sorted((spec.get("projects") or {}).items()):
            last = cognitiveservices.Project(
                f"{name}/{project_name}", account_name=name, resource_group_name=rg_name, project_name=project_name,
                location=project.get("location") or account_location, identity={"type": "SystemAssigned"},
                properties={"display_name": project.get("displayName", project_name),
                            **({"description": project["description"]} if project.get("description") else {})},
                tags=tags, opts=queued())

        for pe in endpoints:
            pe_name = pe.get("name") or f"pe-{name}-{pe['subnetId'].split('/')[8]}"
            endpoint = network.PrivateEndpoint(
                f"{name}/{pe_name}", private_endpoint_name=pe_name, resource_group_name=rg_name,
                location=pe.get("location") or account_location, subnet={"id": pe["subnetId"]},
                custom_network_interface_name=f"{pe_name}-nic",
                private_link_service_connections=[{"name": pe_name, "private_link_service_id": account.id,
                                                   "group_ids": ["account"]}],
                tags=tags, opts=queued(in_account=False))  # a network resource: it outlives the account
            last = endpoint
            if pe.get("privateDnsZoneIds"):
                network.PrivateDnsZoneGroup(
                    f"{name}/{pe_name}/default", private_endpoint_name=pe_name, private_dns_zone_group_name="default",
                    resource_group_name=rg_name,
                    private_dns_zone_configs=[{"name": z.rsplit("/", 1)[-1].replace(".", "-"), "private_dns_zone_id": z}
                                              for z in sorted(pe["privateDnsZoneIds"])],
                    opts=pulumi.ResourceOptions(depends_on=[endpoint], deleted_with=endpoint, replace_with=[endpoint]))

        if spec.get("diagnostics"):
            diagnostics = spec["diagnostics"].get("name") or f"diag-{name}"
            monitor.DiagnosticSetting(
                f"{name}/{diagnostics}", name=diagnostics, resource_uri=account.id,
                workspace_id=spec["diagnostics"]["logAnalyticsWorkspaceId"],
                logs=[{"category_group": "allLogs", "enabled": True}], metrics=[{"category": "AllMetrics", "enabled": True}],
                opts=inside)
        assignments = [(ra["principalId"].lower(), ra.get("principalType"),
                        ROLES.get(ra["role"], ra["role"].rsplit("/", 1)[-1]).lower())
                       for ra in spec.get("roleAssignments") or []]
        for principal, principal_type, guid in sorted(assignments, key=lambda a: (a[0], a[2])):
            role_name = str(uuid.uuid5(ROLE_NAMESPACE, "/".join((subdomain.lower(), principal, guid))))
            authorization.RoleAssignment(
                f"{name}/{role_name}", role_assignment_name=role_name, scope=account.id, principal_id=principal,
                principal_type=principal_type,
                role_definition_id=subscription.apply(
                    lambda subscription_id, guid=guid:
                    f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{guid}"),
                opts=inside)

        openai_url = f"https://{subdomain}.openai.azure.com/openai/v1/"
        inference = f"https://{subdomain}.services.ai.azure.com/models" if kind == "AIServices" else None
        outputs[name] = {
            "name": name,
            "endpoint": account.properties.apply(lambda p: p.endpoint if p else None),
            "openaiBaseUrl": openai_url,
            "inferenceEndpoint": inference,
            "deployments": {d: {"name": d, "model": dict(deployments[d]["model"]), "sku": deployments[d]["sku"],
                                "capacity": deployments[d]["capacity"], "openaiBaseUrl": openai_url,
                                "inferenceEndpoint": inference} for d in sorted(deployments)},
            "projects": {p: {"endpoint": f"https://{subdomain}.services.ai.azure.com/api/projects/{p}"}
                         for p in sorted(spec.get("projects") or {})},
        }

    pulumi.export("resourceGroup", group["name"])
    pulumi.export("accounts", outputs)
