"""The Pulumi program: foundry-kit validates the stack's manifest (stacks/<stack>.yaml) and declares it."""

from foundry_kit.program import main

main()
