"""Writes manifests and stack config (`foundry-estate import`): the only code that *writes* YAML, next
to the loader, the only code that reads it. Keys stay in the order given (the manifest's own
order), strings YAML would read as something else are quoted (a model version `2025-04-14`, a
level `off`), and the file starts with the schema line editors validate against."""

from __future__ import annotations

from typing import Any

import yaml

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/manifest.schema.json"


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)


def manifest_text(data: dict[str, Any], header: str) -> str:
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return f"{SCHEMA_LINE}\n{comment}{dump(data)}"


def stack_config_text(config: dict[str, Any], header: str) -> str:
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    return f"{comment}{dump({'config': config})}"
