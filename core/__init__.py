"""Lineside core: models, services and the unit of work. No Textual, no typer."""
