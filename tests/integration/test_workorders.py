"""Work-order release: FEFO reservations, pick tasks, shortages; cancel gives stock back; racing releases."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import InvalidInput, PermissionDenied
from core.services import workorders
from core.services.workorders import Shortage
from tests import helpers


@pytest.fixture
def site(db, system):
    ids = helpers.production_site(db)
    past = date.today() - timedelta(days=3)
    helpers.put_stock(db, system, "IC-1", "EXPIRED", "A-01", 500, expiry=past)
    helpers.put_stock(db, system, "IC-1", "LATE", "A-01", 500, expiry="2031-01-01")
    helpers.put_stock(db, system, "IC-1", "EARLY", "A-02", 150, expiry="2030-03-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 100)
    return ids


def _reservations(db, wo="WO-1"):
    return helpers.rows(db, "SELECT i.sku, lt.lot_no, l.code, r.qty FROM reservation r JOIN item i ON i.id = r.item_id"
                            " JOIN location l ON l.id = r.location_id LEFT JOIN lot lt ON lt.id = r.lot_id"
                            " JOIN work_order w ON w.id = r.work_order_id WHERE w.wo_number = :w"
                            " ORDER BY i.sku, lt.expiry", w=wo)


def test_release_reserves_fefo_skipping_expired(db, supervisor, site):
    result = workorders.release(db, supervisor, "WO-1")
    assert result.shortages == () and result.pick_tasks == 3
    assert _reservations(db) == [("IC-1", "EARLY", "A-02", 150), ("IC-1", "LATE", "A-01", 50),
                                 ("SCR-1", None, "A-02", 400)]
    assert helpers.scalar(db, "SELECT reserved FROM stock_balance b JOIN lot l ON l.id = b.lot_id"
                              " WHERE l.lot_no = 'LATE'") == 50
    assert helpers.scalar(db, "SELECT status FROM work_order") == "released"


def test_shortage_becomes_a_replenishment_request_and_event(db, supervisor, site):
    helpers.add_work_order(db, "WO-BIG", "PCBA-1", 1000)
    result = workorders.release(db, supervisor, "WO-BIG")
    assert result.shortages == (Shortage("IC-1", Decimal(1350)), Shortage("SCR-1", Decimal(3000)))
    assert helpers.scalar(db, "SELECT count(*) FROM replenishment_request WHERE status = 'open'") == 2
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'shortage.raised'") == 2


def test_cancel_gives_reservations_back(db, supervisor, site):
    workorders.release(db, supervisor, "WO-1")
    workorders.cancel(db, supervisor, "WO-1")
    assert helpers.scalar(db, "SELECT sum(reserved) FROM stock_balance") == 0
    assert _reservations(db) == []
    assert helpers.scalar(db, "SELECT count(*) FROM pick_task WHERE status = 'open'") == 0
    with pytest.raises(InvalidInput, match="cancelled"):
        workorders.release(db, supervisor, "WO-1", key="again")


def test_only_supervisors_release(db, clerk, site):
    with pytest.raises(PermissionDenied):
        workorders.release(db, clerk, "WO-1")
    assert _reservations(db) == []


def test_two_releases_racing_never_over_reserve(db, supervisor, site):
    for n in range(2, 8):
        helpers.add_work_order(db, f"WO-{n}", "PCBA-1", 60)
    errors = []

    def go(wo):
        try:
            workorders.release(db, supervisor, wo)
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(f"WO-{n}",)) for n in range(2, 8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance WHERE reserved > qty") == 0
    mismatch = helpers.scalar(db, """
        SELECT count(*) FROM stock_balance b WHERE b.reserved <> coalesce((SELECT sum(r.qty) FROM reservation r
          WHERE r.location_id = b.location_id AND r.item_id = b.item_id
            AND coalesce(r.lot_id, 0) = coalesce(b.lot_id, 0)), 0)""")
    assert mismatch == 0
    # all free unexpired IC-1 (650) went to the six orders, none twice
    assert helpers.scalar(db, "SELECT sum(qty) FROM reservation WHERE item_id = (SELECT id FROM item"
                              " WHERE sku = 'IC-1')") == 650
