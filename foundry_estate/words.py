"""Small helpers for messages people read."""

import re


UNKNOWN = "(known after apply)"
"""How a plan shows a value only Azure knows (an id, an endpoint) before `pulumi up`."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """`text` on one line: its control characters (newlines, carriage returns, terminal escapes,
    Unicode line separators) written as Python escapes (`\\n`), so that a value from a manifest
    never starts a line of its own in a report, where a CI runner could read it as a command."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def inert_json(text: str) -> str:
    """JSON text in which `##[` (which GitHub's runner reads as a command anywhere in a log line)
    is written `#\\u0023[`: the same string to every JSON reader, no command to the runner. In
    JSON, `#` can only be inside a string, so the replacement is exact."""
    return text.replace("##[", "#\\u0023[")
