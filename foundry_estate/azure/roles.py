"""Built-in Azure role names the manifest accepts, mapped to their role definition GUIDs.

Ids from Azure's built-in roles list, as the Azure Verified Modules for Cognitive Services
map them. Any other role is written as its GUID or role definition id.
"""

from __future__ import annotations

BUILTIN_ROLES = {
    "Azure AI Developer": "64702f94-c441-49e6-a78b-ef80e0188fee",
    "Azure AI User": "53ca6127-db72-4b80-b1b0-d745d6d5456d",
    "Cognitive Services Contributor": "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68",
    "Cognitive Services Data Reader (Preview)": "b59867f0-fa02-499b-be73-45a86b5b3e1c",
    "Cognitive Services OpenAI Contributor": "a001fd3d-188f-4b5d-821b-7da978bf7442",
    "Cognitive Services OpenAI User": "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
}


def role_definition_guid(role: str) -> str:
    """A built-in role name, a GUID or a role definition id -> the lower-case GUID."""
    return BUILTIN_ROLES.get(role, role.rsplit("/", 1)[-1]).lower()
