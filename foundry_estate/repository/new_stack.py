"""`foundry-estate stack new NAME [--from STACK] [--environment ENV] [--order N]`: a stack's
manifest and Pulumi config, copied from another stack with Azure names that collide with no
stack of the project.

The manifest is the source's text (comments and layout kept) with its names rewritten in place:
the source stack's name inside a name becomes NAME (`aif-contoso-dev` -> `aif-contoso-staging`),
else NAME is appended; a name another stack already uses (account names, subdomains, storage
accounts and key vaults are global in Azure) gets a number. Tag values and comments that name
the source stack or its environment (as a word: `environment: dev`, `# stack dev`) name the new
ones. The Pulumi config keeps the source's plain values (not its secrets: they are encrypted
for the source stack), says the environment, and deploys the new stack after every other one
(`foundry-kit:deployOrder`: one more than the last), or at `--order N`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable

from foundry_estate.files import write_files
from foundry_estate.errors import KitError, Position, Problem
from foundry_estate.guardrails.environment import ENVIRONMENT_KEY, stack_environment
from foundry_estate.manifest.loader import dump_stack_config, load, load_stack_config
from foundry_estate.project.stacks import (CONFIG_KEY, DEPLOY_ORDER_KEY, STACK_DIR, Stack, discover, display,
                                           order_of)

STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class NameRule:
    """One kind of Azure name a manifest writes: where, how long it may be, which characters."""
    kind: str
    path: tuple[str, ...]  # '*' stands for any key
    limit: int
    clean: Callable[[str], str] = lambda name: name
    key: bool = False  # the name is the key of the mapping entry at `path` (its last part is '*')


_ALNUM_LOWER = lambda name: re.sub(r"[^a-z0-9]", "", name.lower())  # noqa: E731 - storage accounts
NAME_RULES = (
    NameRule("resource group", ("resourceGroup", "name"), 90),
    NameRule("account", ("accounts", "*", "name"), 64),
    NameRule("account", ("accounts", "*", "subdomain"), 64),  # subdomains share the global namespace
    NameRule("hub", ("hubs", "*", "name"), 33),
    NameRule("storage account", ("hubs", "*", "create", "storageAccount"), 24, _ALNUM_LOWER),
    NameRule("key vault", ("hubs", "*", "create", "keyVault"), 24),
    # online endpoint names are unique in a region: the key is the name
    NameRule("online endpoint", ("hubs", "*", "projects", "*", "onlineEndpoints", "*"), 32, key=True),
)


def names_of(data: Any) -> list[tuple[NameRule, tuple[str, ...], str]]:
    """Every Azure name in manifest data: (rule, path, name)."""
    found = []
    for rule in NAME_RULES:
        for path, value in _at(data, rule.path, ()):
            name = path[-1] if rule.key else value
            if isinstance(name, str):
                found.append((rule, path, name))
    return found


def _at(data: Any, pattern: tuple[str, ...], prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    if not pattern:
        return [(prefix, data)]
    if not isinstance(data, dict):
        return []
    keys = [key for key in data if isinstance(key, str)] if pattern[0] == "*" else [pattern[0]] if pattern[0] in data else []
    return [found for key in keys for found in _at(data[key], pattern[1:], (*prefix, key))]


def new_name(old: str, source: str, stack: str, rule: NameRule, taken: set[str]) -> str:
    base = old.replace(source, stack) if source and source in old else f"{old}-{stack}"
    base = rule.clean(base)[:rule.limit]
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = str(number) if rule.clean is _ALNUM_LOWER else f"-{number}"
        candidate, number = base[:rule.limit - len(suffix)] + suffix, number + 1
    return candidate


def rewrite(text: str, file: str, replacements: list[tuple[Position, str, str]]) -> str:
    """`text` with each (position, old, new) value replaced where it was written."""
    lines = text.splitlines(keepends=True)
    for position, old, new in sorted(replacements, key=lambda r: (r[0].line, r[0].column), reverse=True):
        line, start = lines[position.line - 1], position.column - 1
        if line[start:start + 1] in ("'", '"'):
            start += 1
        if line[start:start + len(old)] != old:
            raise KitError([Problem(position, "", f"cannot rewrite the name '{old}' here (written across lines?): "
                                                  "copy the file and rename by hand")])
        lines[position.line - 1] = line[:start] + new + line[start + len(old):]
    return "".join(lines)


def create(root: str, name: str, source_name: str | None = None, environment: str | None = None,
           order: int | None = None) -> list[str]:
    """Write `stacks/<name>.yaml` and `stacks/Pulumi.<name>.yaml`; returns their paths."""
    stacks_dir = os.path.join(root, STACK_DIR)
    if not STACK_NAME.fullmatch(name):
        raise KitError([Problem.at(display(stacks_dir), f"'{name}' cannot be a stack name: use letters, digits, "
                                                        "'-', '_' and '.'")])
    stacks = {stack.name: stack for stack in discover(root)}
    manifest_file = os.path.join(stacks_dir, f"{name}.yaml")
    config_file = os.path.join(stacks_dir, f"Pulumi.{name}.yaml")
    clashes = [path for path in (manifest_file, config_file) if os.path.exists(path)]
    if name in stacks or clashes:
        raise KitError([Problem.at(display(path), f"stack {name} already exists: choose another name")
                        for path in clashes or [stacks[name].config_file]])
    source, source_text, source_file = _source(root, stacks, source_name)
    source_config = load_stack_config(source.config_file) if source.config_file else {}
    taken = {value.lower() for stack in stacks.values() if os.path.isfile(stack.manifest_file)
             for _rule, _path, value in names_of(load(stack.manifest_file).data)}
    document = load(source_file)
    replacements = []
    for rule, path, old in names_of(document.data):
        position = (document.key_positions if rule.key else document.positions).get(path)
        if position is None or os.path.realpath(position.file) != os.path.realpath(source_file):
            continue  # written by a shared base (extends): the same for every stack that uses it
        value = new_name(old, source.name, name, rule, taken)
        taken.add(value.lower())
        replacements.append((position, old, value))
    source_environment = stack_environment(source.name, source_config)
    new_environment = environment or source_environment
    tag_words, comment_words = _renamed_words(source.name, name, source_environment, new_environment)
    for path, old in _tags(document.data):
        position = document.positions.get(path)
        renamed = _rename_words(old, tag_words)
        if position is not None and renamed != old and os.path.realpath(position.file) == os.path.realpath(source_file):
            replacements.append((position, old, renamed))
    manifest_text = _rename_in_comments(rewrite(source_text, source_file, replacements), comment_words)
    config = {key: value for key, value in source_config.items()
              if key not in (CONFIG_KEY, ENVIRONMENT_KEY, DEPLOY_ORDER_KEY) and not (isinstance(value, dict) and "secure" in value)}
    config[ENVIRONMENT_KEY] = new_environment
    config[DEPLOY_ORDER_KEY] = order if order is not None else max((order_of(stack) for stack in stacks.values()), default=0) + 1
    write_files(root, {  # both files or neither
        os.path.relpath(manifest_file, root): manifest_text,
        os.path.relpath(config_file, root): dump_stack_config(
            config, f"Pulumi config of stack {name} (foundry-estate stack new, from {source.name}).\n"
                    f"Its manifest is stacks/{name}.yaml."),
    })
    return [display(manifest_file), display(config_file)]


def _renamed_words(source: str, stack: str, source_environment: str, environment: str,
                   ) -> tuple[dict[str, str], dict[str, str]]:
    """The words to rename in tag values and in comments. A tag names an environment where the
    word is the source's environment (renamed only when the environment changes), else the
    source stack; a comment names the source stack (`# stack dev`), else its environment."""
    changed = {source_environment: environment} if environment != source_environment else {}
    tags = {**({source: stack} if source != source_environment else {}), **changed}
    comments = {**changed, source: stack}
    return tags, comments


def _rename_words(text: str, words: dict[str, str]) -> str:
    """`text` with each of `words` replaced where it stands as a word (`dev`, `team-dev`; not `devices`)."""
    if not words:
        return text
    pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
                         + r")(?![A-Za-z0-9])")
    return pattern.sub(lambda match: words[match.group(1)], text)


def _tags(data: Any) -> list[tuple[tuple[str, ...], str]]:
    """Every tag value a manifest writes (top-level `tags` and any resource's): (path, value)."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(node: Any, path: tuple[str, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "tags" and isinstance(value, dict):
                    found.extend(((*path, key, tag), text) for tag, text in value.items() if isinstance(text, str))
                else:
                    walk(value, (*path, str(key)))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, (*path, str(index)))
    walk(data, ())
    return found


def _rename_in_comments(text: str, words: dict[str, str]) -> str:
    """`text` with `words` renamed inside its YAML comments (the values are left as they are)."""
    lines = []
    for line in text.splitlines(keepends=True):
        start = _comment_start(line)
        lines.append(line if start is None else line[:start] + _rename_words(line[start:], words))
    return "".join(lines)


def _comment_start(line: str) -> int | None:
    """Where a YAML comment starts on `line`: a '#' at its start or after a space, outside quotes."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t:[{,"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def _source(root: str, stacks: dict[str, Stack], name: str | None) -> tuple[Stack, str, str]:
    """The stack to copy: `name`, else dev, else the first stack."""
    if name is not None and name not in stacks:
        raise KitError([Problem.at(display(os.path.join(root, STACK_DIR)),
                                   f"no stack {name} to copy (--from): stacks are {', '.join(stacks) or 'none'}")])
    chosen = stacks.get(name or "dev") or next(iter(stacks.values()), None)
    if chosen is None or not os.path.isfile(chosen.manifest_file):
        raise KitError([Problem.at(display(os.path.join(root, STACK_DIR)), "no stack manifest to copy: "
                                   "`foundry-estate init` writes stack dev; or write stacks/Pulumi.<stack>.yaml and its manifest")])
    with open(chosen.manifest_file, encoding="utf-8") as handle:
        return chosen, handle.read(), chosen.manifest_file
