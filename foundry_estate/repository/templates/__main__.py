"""The Pulumi program: foundry-estate validates the stack's manifest (stacks/<stack>.yaml) and declares it."""

from foundry_estate.program import main

main()
