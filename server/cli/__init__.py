"""The `walkaway` command line (docs/cli.md)."""
