"""Markdown that quotes manifest (or Azure) values safely, for PR comments, job summaries and
issues: a value shows as the text it is, never as HTML, a link, an image, a mention, a table
cell boundary or a line of its own.

`text` escapes a sentence of the kit's that may contain values. The kit writes commands in
backticks (`pulumi destroy --stack dev`): code spans are inert in GitHub's markdown (no HTML,
links or mentions inside), so they are kept, split as CommonMark splits them; a backtick left
unpaired is escaped. Outside them: `&`, `<`, `>` become entities (no raw HTML); markdown's
punctuation is backslash-escaped; an `@name`, `#123`, `www.` or `scheme://` gets a zero-width
space (U+200B) that GitHub's mention, reference and autolink filters do not cross.
"""

from __future__ import annotations

import re

from foundry_estate.errors import one_line

ZERO_WIDTH_SPACE = "\u200b"
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_PUNCTUATION = re.compile(r"([\\`*_\[\]~|])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINKING = re.compile(r"(@|#)(?=[\w-])|(:)(?=//)|(?<![\w.])(www)(?=\.)", re.IGNORECASE)


def text(value: str) -> str:
    """`value` (one line) as markdown that renders as exactly its characters; code spans kept."""
    value = one_line(value)
    parts, start = [], 0
    for span in _CODE_SPAN.finditer(value):
        parts.append(_plain(value[start:span.start()]))
        parts.append(span.group().replace("|", "\\|"))  # a pipe ends a table cell even in code
        start = span.end()
    parts.append(_plain(value[start:]))
    return "".join(parts)


def code(value: str) -> str:
    """`value` (one line) as an inline code span, whatever backticks it holds."""
    value = one_line(value).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def fence(lines: list[str]) -> str:
    """A fence for a code block holding `lines`: longer than any run of backticks in them."""
    return "`" * max(3, max((len(run) for line in lines for run in re.findall("`+", line)), default=0) + 1)


def _plain(value: str) -> str:
    escaped = _PUNCTUATION.sub(r"\\\1", "".join(_ENTITIES.get(c, c) for c in value))
    return _LINKING.sub(lambda m: "".join(g for g in m.groups() if g) + ZERO_WIDTH_SPACE, escaped)
