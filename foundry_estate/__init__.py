"""foundry-kit: validated manifests for Azure AI Foundry, provisioned with Pulumi."""


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed distribution when first asked for: importing
    importlib.metadata would cost every command, and only `--version`, `init` and a crash say it."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("foundry-estate")
    except PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"
