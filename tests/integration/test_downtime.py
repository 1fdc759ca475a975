"""Downtime: start with a reason, the same work centre again ends it; events; one open per work centre."""

import pytest

from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import downtime
from tests import helpers
from tests.integration.shopfloor_site import floor_site


@pytest.fixture
def site(db, system, tmp_path):
    return floor_site(db, system, tmp_path)


def test_start_then_end(db, clerk, site):
    assert [(r.code, r.planned) for r in downtime.reasons(db, clerk)] == [
        ("BREAK", True), ("BREAKDOWN", False), ("NO_MATERIAL", False)]
    assert downtime.open_at(db, clerk, "SMT-1") is None
    started = downtime.start(db, clerk, key="d1", work_center="SMT-1", reason="BREAKDOWN")
    assert (started.work_center, started.reason, started.planned, started.ended_at) == ("SMT-1", "BREAKDOWN",
                                                                                      False, None)
    assert downtime.open_at(db, clerk, "SMT-1").reason == "BREAKDOWN"
    with pytest.raises(InvalidInput, match="already stopped"):
        downtime.start(db, clerk, key="d2", work_center="SMT-1", reason="BREAK")
    ended = downtime.end(db, clerk, key="d3", work_center="SMT-1")
    assert ended.ended_at >= ended.started_at and ended.minutes >= 0
    with pytest.raises(InvalidInput, match="not stopped"):
        downtime.end(db, clerk, key="d4", work_center="SMT-1")
    assert helpers.rows(db, "SELECT type FROM outbox ORDER BY id") == [("downtime.started",), ("downtime.ended",)]
    data = helpers.scalar(db, "SELECT data FROM outbox WHERE type = 'downtime.ended'")
    assert (data["work_center"], data["line"], data["reason"]) == ("SMT-1", "L1", "BREAKDOWN")
    # a retried scan of the start is answered once, not a second downtime
    assert downtime.start(db, clerk, key="d1", work_center="SMT-1", reason="BREAKDOWN").reason == "BREAKDOWN"
    assert helpers.scalar(db, "SELECT count(*) FROM downtime") == 1


def test_refusals(db, clerk, inspector, site):
    with pytest.raises(InvalidInput, match="downtime reason"):
        downtime.start(db, clerk, key="d1", work_center="SMT-1", reason="NAP")
    with pytest.raises(NotFound):
        downtime.start(db, clerk, key="d2", work_center="NOPE", reason="BREAK")
    with pytest.raises(PermissionDenied):
        downtime.start(db, inspector, key="d3", work_center="SMT-1", reason="BREAK")
