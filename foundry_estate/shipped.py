"""The data files the kit ships inside its package, read with `importlib.resources`.

In this repository they are the top-level `schemas/`, `catalog/` and `policy/` folders, which
`pyproject.toml` maps into the package (`foundry_estate.schemas`, `foundry_estate.catalog.data`,
`foundry_estate.policy`); in an installed kit they sit in site-packages. Either way the loader
reads a real file, so every message can name it with a line and column.
"""

from __future__ import annotations

from importlib.resources import files

SCHEMAS = "foundry_estate.schemas"
CATALOG = "foundry_estate.catalog.data"
POLICY = "foundry_estate.policy"


def shipped_file(package: str, name: str) -> str:
    """The path of `name` in the shipped data folder `package`."""
    return str(files(package).joinpath(name))
