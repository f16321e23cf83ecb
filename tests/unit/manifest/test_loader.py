"""The loader: YAML 1.2 scalars, positions for every value, extends, and refusals."""

import pytest

from foundry_estate.errors import KitError, Position
from foundry_estate.manifest.loader import MAX_ALIAS_EXPANSION, load, load_stack_config


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def problems(path: str) -> list[str]:
    with pytest.raises(KitError) as caught:
        load(path)
    return [str(p) for p in caught.value.problems]


def test_yaml_1_2_scalars_keep_levels_and_dates_as_strings(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", "a: off\nb: on\nc: yes\nd: 2025-04-14\ne: true\nf: 7\ng: null\n")
    assert load(path).data == {"a": "off", "b": "on", "c": "yes", "d": "2025-04-14", "e": True, "f": 7, "g": None}


def test_every_value_and_key_has_its_position(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", "accounts:\n  core:\n    name: aif\n    tags: [a, b]\n")
    document = load(path)
    assert document.positions[("accounts", "core", "name")] == Position(path, 3, 11)
    assert document.key_positions[("accounts", "core")] == Position(path, 2, 3)
    assert document.positions[("accounts", "core", "tags", 1)] == Position(path, 4, 15)
    assert document.position(("accounts", "core", "missing", "deeper")) == Position(path, 3, 5)


def test_duplicate_keys_are_refused(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", "accounts:\n  core: {}\n  core: {}\n")
    assert problems(path) == [f"{path}:3:3: duplicate key 'core' (first written at line 2); YAML would silently keep only the last one"]


def test_not_a_mapping_empty_and_not_yaml(tmp_path) -> None:
    assert problems(write(tmp_path, "a.yaml", "- 1\n")) == [f"{tmp_path}/a.yaml:1:1: a manifest must be a YAML mapping (key: value), not a list"]
    assert problems(write(tmp_path, "b.yaml", "# nothing\n")) == [f"{tmp_path}/b.yaml:1:1: the manifest is empty: expected a mapping that starts with 'version: 1'"]
    assert problems(write(tmp_path, "c.yaml", "a: [1\n")) == [f"{tmp_path}/c.yaml:1:4: not valid YAML: this '[' is never closed with ']', or a ',' is missing between its items"]


def test_non_utf8_is_refused_at_the_byte(tmp_path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes(b"version: 1\nname: caf\xe9\n")
    assert problems(str(path)) == [f"{path}:2:10: the file is not UTF-8 text (byte 0xe9); save it as UTF-8"]


def test_exploding_anchors_are_refused(tmp_path) -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join([f"*{previous}"] * 10) + "]")
    path = write(tmp_path, "m.yaml", "\n".join(lines) + "\n")
    [message] = problems(path)
    assert message.endswith(f"anchors and aliases expand this document past {MAX_ALIAS_EXPANSION:,} values")


def test_small_anchors_and_merge_keys_work(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", "base: &b {sku: GlobalStandard, capacity: 1}\nd: {<<: *b, capacity: 5}\n")
    assert load(path).data["d"] == {"sku": "GlobalStandard", "capacity": 5}


def test_unsupported_tags_are_refused(tmp_path) -> None:
    assert problems(write(tmp_path, "m.yaml", "a: !!python/name:os.system x\n")) == [
        f"{tmp_path}/m.yaml:1:4: unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'"]


def test_extends_merges_maps_replaces_lists_and_null_removes(tmp_path) -> None:
    write(tmp_path, "base.yaml", "version: 1\ntags: {a: '1', b: '2'}\nquotas: [1, 2]\nlocation: eastus2\n")
    path = write(tmp_path, "over.yaml", "extends: base.yaml\ntags: {b: '3'}\nquotas: [9]\nlocation: null\n")
    document = load(path)
    assert document.data == {"version": 1, "tags": {"a": "1", "b": "3"}, "quotas": [9]}
    assert document.positions[("tags", "a")].file.endswith("base.yaml")
    assert document.positions[("tags", "b")] == Position(path, 2, 11)


def test_extends_missing_and_cyclic(tmp_path) -> None:
    path = write(tmp_path, "m.yaml", "extends: nope.yaml\n")
    assert problems(path) == [f"{path}:1:10: extends: cannot read 'nope.yaml': no such manifest"]
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    b = write(tmp_path, "b.yaml", "extends: a.yaml\n")
    assert problems(str(tmp_path / "a.yaml")) == [f"{b}:1:10: extends: 'a.yaml' extends this file again: an extends cycle"]


def test_stack_config(tmp_path) -> None:
    path = write(tmp_path, "Pulumi.dev.yaml", "config:\n  foundry-kit:manifest: other.yaml\n")
    assert load_stack_config(path) == {"foundry-kit:manifest": "other.yaml"}


@pytest.mark.parametrize("manifest", ["stacks/prod.yaml", "stacks/dev.yaml", "tests/examples/valid/anchors-and-merge-keys.yaml"])
def test_libyaml_and_the_python_parser_read_the_same_document(manifest, monkeypatch) -> None:
    """The fast path (libyaml) must give exactly what PyYAML's own parser gives: values and positions."""
    from foundry_estate.manifest import loader

    assert loader._FastLoader.__mro__[1] is not __import__("yaml").SafeLoader, "PyYAML without libyaml"
    fast = load(manifest)
    monkeypatch.setattr(loader, "_FastLoader", loader._YamlLoader)
    slow = load(manifest)
    assert (fast.data, fast.positions, fast.key_positions) == (slow.data, slow.positions, slow.key_positions)


# --- extends stays in the project; a file too large to be a manifest ---------------------------

def test_extends_outside_the_project_is_refused_at_its_value(tmp_path) -> None:
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    write(tmp_path, "outside.yaml", "version: 1\n")
    root = str(project.resolve())
    for target in ("/etc/passwd", "../../outside.yaml", "../../../../../../../etc/passwd"):
        path = write(project / "stacks", "m.yaml", f"extends: {target}\n")
        assert problems(path) == [f"{path}:1:10: extends: '{target}' is outside the project ({root}): extends names a "
                                  "manifest inside it, relative to this file"]


def test_extends_through_a_symlink_that_leaves_the_project_is_refused(tmp_path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    write(tmp_path, "secret.yaml", "version: 1\n")
    (project / "base.yaml").symlink_to(tmp_path / "secret.yaml")
    path = write(project, "m.yaml", "extends: base.yaml\n")
    assert problems(path) == [f"{path}:1:10: extends: 'base.yaml' is outside the project ({project.resolve()}): extends "
                              "names a manifest inside it, relative to this file"]
    (project / "inside.yaml").symlink_to(project / "m2.yaml")
    write(project, "m2.yaml", "version: 1\n")
    assert load(write(project, "m3.yaml", "extends: inside.yaml\n")).data == {"version": 1}


def test_outside_a_project_extends_stays_in_the_manifest_s_directory(tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "base.yaml", "version: 1\n")
    path = write(tmp_path / "sub", "m.yaml", "extends: ../base.yaml\n")
    assert problems(path)[0].endswith(f"'../base.yaml' is outside the project ({(tmp_path / 'sub').resolve()}): "
                                      "extends names a manifest inside it, relative to this file")


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch) -> None:
    from foundry_estate.manifest import loader

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1024 * 1024)
    path = write(tmp_path, "big.yaml", "a: [" + "1, " * 400_000 + "1]\n")
    assert problems(path) == [f"{path}:1:1: the file is larger than 1 MiB, the most the kit reads: this is not a "
                              "manifest a person wrote; split it into stacks, or check that the right file is named"]
    assert loader.load(write(tmp_path, "small.yaml", "a: [" + "1, " * 1000 + "1]\n")).data["a"][0] == 1


@pytest.mark.parametrize("text, line, column, words", [
    ("a: 1\nb: Models: x\n", 2, 10, "a ': ' where a value was expected"),
    ("a:\n\tb: 1\n", 2, 1, "a tab character: YAML indents with spaces only; replace the tab with spaces"),
    ("a: 1\nb\nc: 2\n", 2, 1, "a key without ':' (expected key: value)"),
    ("a: 1\nb: \"abc\nc: 2\n", 2, 4, "a quoted value is never closed: add the closing quote"),
    ("a:\n  b: 1\n c: 2\n", 3, 2, "this line is indented unlike the keys of its mapping (the mapping starts at line 1)"),
    ("a: {b: 1, c: 2\nd: 3\n", 1, 4, "this '{' is never closed with '}', or a ',' is missing between its items"),
    ("a: [1, 2\nb: 3\n", 1, 4, "this '[' is never closed with ']', or a ',' is missing between its items"),
    ("a:\n  b: 1\n  - c\n", 3, 3, "a list item among the keys of a mapping (the mapping starts at line 2)"),
    ("a: *x\n", 1, 4, "'*x' refers to no anchor: define it first with &x, or quote the value if '*' is text"),
    ("a: @x\n", 1, 4, "a value cannot start with '@' (YAML reserves it): put the value in quotes"),
    ("a: 'it's'\n", 1, 8, "more text after a complete value: a quote inside a quoted value ends it early"),
])
def test_syntax_errors_in_words_at_the_line_of_the_mistake(tmp_path, text, line, column, words) -> None:
    path = write(tmp_path, "m.yaml", text)
    [problem] = problems(path)
    assert problem.startswith(f"{path}:{line}:{column}: not valid YAML: {words}")
    assert "not allowed here" not in problem and "cannot start any token" not in problem


def test_a_number_s_text_as_written_is_kept_for_messages(tmp_path) -> None:
    document = load(write(tmp_path, "m.yaml", "a: 0613\nb: 010\nc: 1.10\nd: 7\ne: '0613'\n"))
    assert document.data == {"a": 395, "b": 8, "c": 1.1, "d": 7, "e": "0613"}
    assert document.written == {("a",): "0613", ("b",): "010", ("c",): "1.10", ("d",): "7"}
