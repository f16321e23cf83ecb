"""One module per verb: each adds its sub-parser and sets `run(args) -> exit code`."""
