"""`python -m foundry_estate.cli`: the same as the `foundry-estate` command."""

from foundry_estate.cli.main import run

run()
