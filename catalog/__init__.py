"""The model catalog and the instance types, with their sources (read by foundry_estate.catalog)."""
