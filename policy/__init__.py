"""The guardrails policy pack of this project, and the kit's default rules (guardrails.yaml)."""
