"""One screen per file; `base.FlowScreen` holds what every step screen shares."""
