"""A confirmation's key is bound to its payload, its kind and its operator (issue 13, CONTRACT "Idempotency").

The attacks from the issue: the same key again with another quantity or bin, a receipt of 9999 under a used key,
another operator's confirmation under someone's key. Each must be refused (KeyReused) with nothing posted, on the
one-round-trip path (a plain move, `ledger_post`) and on the unit-of-work path (a receipt, `run_operation`);
the same key with the same payload (5 or 5.000) is still a replay with one effect.
"""

import threading
from decimal import Decimal

import pytest

from core.errors import InvalidInput, KeyReused, OverReceipt
from core.services import workorders
from core.services.ledger import Leg, post_in_session, post_moves, post_on_server
from core.services.receiving import ReceiveCommand, receive
from tests import helpers

D = Decimal


@pytest.fixture
def site(db, system):
    ids = helpers.small_site(db)
    helpers.add_po_line(db, "PO-1", 1, "SCR-1", 1000)
    helpers.add_po_line(db, "PO-1", 2, "IC-1", 100)
    post_moves(db, system, "opening", [Leg(ids["IC"], ids["LOT1"], D(100), to_location_id=ids["A-01"],
                                           to_status="available")], key="open")
    return ids


@pytest.fixture
def clerk2(db):
    return helpers.make_operator(db, "C901", ["clerk"])


def _move(ids, qty, to="A-02") -> list[Leg]:
    return [Leg(ids["IC"], ids["LOT1"], D(qty), ids["A-01"], "available", ids[to], "available")]


def _balances(db) -> list[tuple]:
    return [tuple(r) for r in helpers.rows(db, "SELECT l.code, b.qty FROM stock_balance b"
                                               " JOIN location l ON l.id = b.location_id ORDER BY l.code")]


def _effects(db) -> tuple:
    """Everything a confirmation writes: movements, receipts, events, audit rows, balances."""
    counts = tuple(helpers.scalar(db, f"SELECT count(*) FROM {t}") for t in ("movement", "receipt", "outbox",
                                                                              "audit_log", "operation"))
    return counts, _balances(db)


# The one-round-trip path: a plain move, whole in the server (ledger_post) --------------------------------------

@pytest.mark.parametrize("other", [
    pytest.param(lambda ids: _move(ids, 500), id="qty 500"),
    pytest.param(lambda ids: _move(ids, 4, to="QA"), id="another bin"),
    pytest.param(lambda ids: _move(ids, 5), id="qty 5"),
])
def test_a_used_key_with_another_move_is_refused_and_posts_nothing(db, clerk, site, other):
    first = post_moves(db, clerk, "move", _move(site, 4), key="m1")
    assert not first.replayed
    before = _effects(db)
    with pytest.raises(KeyReused, match="already used for something else: scan again"):
        post_moves(db, clerk, "move", other(site), key="m1")
    assert _effects(db) == before
    assert _balances(db) == [("A-01", 96), ("A-02", 4)]


def test_the_same_move_again_is_a_replay_whatever_the_scale_of_its_quantity(db, clerk, site):
    first = post_moves(db, clerk, "move", _move(site, "5"), key="m1", reason="tidy")
    before = _effects(db)
    for qty in ("5.000", "5", "5.0"):
        again = post_moves(db, clerk, "move", _move(site, qty), key="m1", reason="tidy")
        assert again.replayed and again.data == first.data
    assert _effects(db) == before and helpers.scalar(db, "SELECT count(*) FROM movement WHERE kind = 'move'") == 1


def test_a_used_key_with_another_reason_or_reference_is_refused(db, clerk, site):
    post_moves(db, clerk, "move", _move(site, 4), key="m1", reason="tidy", reference="R-1")
    for changed in ({"reason": "other", "reference": "R-1"}, {"reason": "tidy", "reference": "R-2"}):
        with pytest.raises(KeyReused):
            post_moves(db, clerk, "move", _move(site, 4), key="m1", **changed)


def test_another_operators_move_with_the_same_key_is_refused(db, clerk, clerk2, site):
    post_moves(db, clerk, "move", _move(site, 4), key="m1")
    before = _effects(db)
    with pytest.raises(KeyReused):
        post_moves(db, clerk2, "move", _move(site, 4), key="m1")  # the very same payload: still not theirs
    assert _effects(db) == before


def test_a_key_used_for_another_kind_is_refused(db, clerk, site):
    post_moves(db, clerk, "move", _move(site, 4), key="k1")
    with pytest.raises(KeyReused):
        post_moves(db, clerk, "putaway", _move(site, 4), key="k1")


def test_both_paths_bind_a_key_to_the_same_digest(db, clerk, site):
    """A key posted on one path is replayed, or refused, alike on the other: one digest for both."""
    post_on_server(db, clerk, "move", _move(site, "2.50"), key="m1", reason="tidy")
    assert post_in_session(db, clerk, "move", _move(site, "2.5"), key="m1", reason="tidy").replayed
    with pytest.raises(KeyReused):
        post_in_session(db, clerk, "move", _move(site, 3), key="m1", reason="tidy")
    post_in_session(db, clerk, "move", _move(site, 1), key="m2")
    assert post_on_server(db, clerk, "move", _move(site, "1.000"), key="m2").replayed
    with pytest.raises(KeyReused):
        post_on_server(db, clerk, "move", _move(site, 1, to="QA"), key="m2")
    digests = helpers.rows(db, "SELECT key, payload_digest FROM operation WHERE key IN ('m1', 'm2')")
    assert len(digests) == 2 and all(len(d) == 64 for _k, d in digests)


# The unit-of-work path: a receipt (run_operation) ----------------------------------------------------------------

def test_a_receipt_of_9999_under_a_used_key_is_refused(db, clerk, site):
    receive(db, clerk, ReceiveCommand(key="r1", sku="SCR-1", qty=D(500), po_number="PO-1"))
    before = _effects(db)
    with pytest.raises(KeyReused):
        receive(db, clerk, ReceiveCommand(key="r1", sku="SCR-1", qty=D(9999), po_number="PO-1"))
    with pytest.raises(KeyReused):  # the key of a move, for a receipt
        receive(db, clerk, ReceiveCommand(key="open", sku="SCR-1", qty=D(500), po_number="PO-1"))
    assert _effects(db) == before
    assert helpers.scalar(db, "SELECT received_qty FROM po_line WHERE line_no = 1") == 500


def test_another_operators_receipt_with_the_same_key_is_refused(db, clerk, clerk2, site):
    cmd = ReceiveCommand(key="r1", sku="SCR-1", qty=D(500), po_number="PO-1")
    receive(db, clerk, cmd)
    before = _effects(db)
    with pytest.raises(KeyReused):
        receive(db, clerk2, cmd)
    assert _effects(db) == before


def test_the_same_receipt_again_is_one_receipt_whatever_the_scale_of_its_quantity(db, clerk, site):
    first = receive(db, clerk, ReceiveCommand(key="r1", sku="SCR-1", qty=D(500), po_number="PO-1"))
    before = _effects(db)
    again = receive(db, clerk, ReceiveCommand(key="r1", sku="SCR-1", qty=D("500.000"), po_number="PO-1"))
    assert again == first and _effects(db) == before


def test_a_refused_over_receipt_leaves_its_key_free_for_the_approved_one(db, clerk, supervisor, site):
    """The console's F2: the refused attempt wrote nothing, its key neither, so the same key with the approver
    and the reason added posts; once posted, that approved receipt is what the key replays."""
    over = ReceiveCommand(key="r-over", sku="IC-1", lot="L9", qty=D(150), po_number="PO-1")
    with pytest.raises(OverReceipt):
        receive(db, clerk, over)
    assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE key = 'r-over'") == 0
    approved = ReceiveCommand(key="r-over", sku="IC-1", lot="L9", qty=D(150), po_number="PO-1",
                              over_receipt_reason="supplier_overdelivery", approver=supervisor)
    first = receive(db, clerk, approved)
    assert receive(db, clerk, approved) == first
    with pytest.raises(KeyReused):  # the unapproved payload again under the approved receipt's key
        receive(db, clerk, over)
    assert helpers.scalar(db, "SELECT count(*) FROM receipt") == 1


# Operations from before payload digests ------------------------------------------------------------------------

def test_an_operation_without_a_digest_replays_for_its_operator_and_kind_only(db, owner_db, clerk, clerk2, site):
    first = post_moves(db, clerk, "move", _move(site, 4), key="old")
    helpers.exec_sql(owner_db, "UPDATE operation SET payload_digest = NULL WHERE key = 'old'")  # as 0015 left it
    again = post_moves(db, clerk, "move", _move(site, 4), key="old")
    assert again.replayed and again.data == first.data
    with pytest.raises(KeyReused):
        post_moves(db, clerk2, "move", _move(site, 4), key="old")
    with pytest.raises(KeyReused):
        post_moves(db, clerk, "putaway", _move(site, 4), key="old")
    assert _balances(db) == [("A-01", 96), ("A-02", 4)]


# Two deliveries racing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["one round trip", "unit of work"])
def test_two_payloads_racing_on_one_key_one_posts_the_other_is_refused(db, clerk, site, path):
    def confirm(n: int, qty: int) -> None:
        key = f"race-{n}"
        if path == "one round trip":
            post_moves(db, clerk, "move", _move(site, qty), key=key)
        else:
            receive(db, clerk, ReceiveCommand(key=key, sku="SCR-1", qty=D(qty), po_number="PO-1"))

    outcomes: list[tuple[int, int, str]] = []
    lock = threading.Lock()

    def send(n: int, qty: int, start: threading.Barrier) -> None:
        start.wait()
        try:
            confirm(n, qty)
            outcome = "posted"
        except KeyReused:
            outcome = "refused"
        except Exception as exc:  # anything else fails the test, not just the thread
            outcome = repr(exc)
        with lock:
            outcomes.append((n, qty, outcome))

    rounds = 6
    for n in range(rounds):
        start = threading.Barrier(2)
        threads = [threading.Thread(target=send, args=(n, qty, start)) for qty in (1, 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    per_round = {n: sorted(o for m, _q, o in outcomes if m == n) for n in range(rounds)}
    assert all(v == ["posted", "refused"] for v in per_round.values()), per_round
    posted = {n: q for n, q, o in outcomes if o == "posted"}
    moved = dict(helpers.rows(db, "SELECT operation_key, qty FROM movement WHERE operation_key LIKE 'race-%'"))
    assert moved == {f"race-{n}": q for n, q in posted.items()}  # exactly the winner's payload took effect
    if path == "one round trip":
        assert dict(_balances(db))["A-02"] == sum(posted.values())
    else:
        assert helpers.scalar(db, "SELECT received_qty FROM po_line WHERE line_no = 1") == sum(posted.values())


# Work orders' default keys -------------------------------------------------------------------------------------

def test_a_second_supervisor_releasing_a_released_order_gets_the_orders_answer(db, system, supervisor):
    helpers.production_site(db)
    helpers.put_stock(db, system, "IC-1", "L-1", "A-01", 500, expiry="2031-01-01")
    helpers.put_stock(db, system, "SCR-1", None, "A-02", 1000)
    helpers.add_work_order(db, "WO-1", "PCBA-1", 10)
    other = helpers.make_operator(db, "S901", ["supervisor"])
    first = workorders.release(db, supervisor, "WO-1")
    assert workorders.release(db, supervisor, "WO-1") == first  # the same supervisor again: the first answer
    with pytest.raises(InvalidInput, match="is released, not planned"):
        workorders.release(db, other, "WO-1")  # not a key error: the order is released already
    workorders.cancel(db, other, "WO-1")
    with pytest.raises(InvalidInput, match="is cancelled; cannot cancel"):
        workorders.cancel(db, supervisor, "WO-1")
