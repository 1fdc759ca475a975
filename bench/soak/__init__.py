"""The soak harness: terminal processes, SIGKILLs, a PostgreSQL restart, then every invariant checked."""
