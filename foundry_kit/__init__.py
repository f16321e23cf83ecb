"""foundry-kit: validated manifests for Azure AI Foundry, provisioned with Pulumi."""
