"""A short soak in CI: terminal processes, SIGKILLs mid-work, one PostgreSQL restart — and zero violations."""


import pytest

from bench.soak.harness import run_soak
from tests.helpers import AMQP_URL, broker_up


@pytest.mark.slow
@pytest.mark.embedded
@pytest.mark.xdist_group("rabbitmq")  # its relay talks to the broker another test restarts
def test_short_soak_has_no_violations(tmp_path):
    result = run_soak(terminals=3, seconds=20, kill_every=3, restart_pg=True,
                      amqp_url=AMQP_URL if broker_up() else None, workdir=tmp_path)
    assert result["violations"] == 0, result["details"]
    assert result["kills"] >= 3 and result["pg_restarts"] == 1
    assert result["operations"] > 100
    if result["relay"] is not None:
        assert result["relay"] is True  # every committed event reached the broker
