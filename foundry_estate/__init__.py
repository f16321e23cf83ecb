"""foundry-kit: validated manifests for Azure AI Foundry, provisioned with Pulumi."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("foundry-estate")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"
