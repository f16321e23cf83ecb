"""Rules that span several values, which JSON Schema cannot express, one module a subject.

They run on the raw document next to the schema, so a user sees every error at once.
Each check reads defensively: a value of the wrong shape is the schema's to report, and
is skipped here. `CHECKS` is their order (an error on a value hides later checks' errors
on the same value). Those that depend on the day run after them, with the day they are given
(`hubs.check_instance_types`, and the catalog's).
"""

from __future__ import annotations

from typing import Callable, Iterator

from foundry_estate.errors import Problem
from foundry_estate.validate.checks.accounts import check_accounts
from foundry_estate.validate.checks.blocklists import check_blocklists
from foundry_estate.validate.checks.deployments import check_model_provider_data, check_spillover
from foundry_estate.validate.checks.limits import check_limits, check_locations
from foundry_estate.validate.checks.hubs import check_endpoint_models, check_hub_names, check_hubs, check_traffic
from foundry_estate.validate.checks.names import check_unique_names
from foundry_estate.validate.checks.quotas import check_core_quotas, check_quotas
from foundry_estate.validate.checks.references import check_references, check_unused
from foundry_estate.manifest.document import Document

CHECKS: tuple[Callable[[Document], Iterator[Problem]], ...] = (
    check_references, check_spillover, check_model_provider_data, check_unique_names, check_accounts, check_blocklists,
    check_quotas, check_unused, check_locations, check_limits,
    check_hubs, check_hub_names, check_endpoint_models, check_traffic, check_core_quotas,
)
