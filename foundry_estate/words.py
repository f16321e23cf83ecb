"""Small helpers for messages people read."""


UNKNOWN = "(known after apply)"
"""How a plan shows a value only Azure knows (an id, an endpoint) before `pulumi up`."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def inert_json(text: str) -> str:
    """JSON text in which `##[` (which GitHub's runner reads as a command anywhere in a log line)
    is written `#\\u0023[`: the same string to every JSON reader, no command to the runner. In
    JSON, `#` can only be inside a string, so the replacement is exact."""
    return text.replace("##[", "#\\u0023[")
