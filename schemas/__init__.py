"""The JSON Schemas of the manifest and of the kit's data files (read by foundry_estate.manifest.schema)."""
