"""`python -m foundry_kit.cli`: the same as the `foundry-kit` command."""

from foundry_kit.cli.main import run

run()
