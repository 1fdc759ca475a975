"""A short soak in CI: terminal processes, SIGKILLs mid-work, one PostgreSQL restart — and zero violations."""

import socket

import pytest

from core.soak.harness import run_soak

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _broker() -> str | None:
    try:
        socket.create_connection(("127.0.0.1", 5672), 1).close()
        return AMQP_URL
    except OSError:
        return None


@pytest.mark.slow
@pytest.mark.embedded
@pytest.mark.xdist_group("rabbitmq")  # its relay talks to the broker another test restarts
def test_short_soak_has_no_violations(tmp_path):
    result = run_soak(terminals=3, seconds=20, kill_every=3, restart_pg=True, amqp_url=_broker(), workdir=tmp_path)
    assert result["violations"] == 0, result["details"]
    assert result["kills"] >= 3 and result["pg_restarts"] == 1
    assert result["operations"] > 100
    if result["relay"] is not None:
        assert result["relay"] is True  # every committed event reached the broker
