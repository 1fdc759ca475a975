"""The operator console: a Textual app over core services (screens never touch the database layer)."""
