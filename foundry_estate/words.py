"""Small helpers for messages people read."""


UNKNOWN = "(known after apply)"
"""How a plan shows a value only Azure knows (an id, an endpoint) before `pulumi up`."""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
