"""The `lineside` admin CLI (typer): one small module per command group."""
