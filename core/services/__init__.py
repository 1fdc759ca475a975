"""One module per capability; each takes plain arguments and a Database/unit of work, returns DTOs."""
