"""16 threads racing random moves on 5 hot balances: no negatives, ledger = balances, every ack exactly once;
then random sequences of operations against a Python model of the balances."""

import random
import threading
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InsufficientStock
from core.services.checks import run_checks
from core.services.ledger import Leg, post_moves
from tests import helpers

HOT = ["A-01", "A-02", "QA", "LS-L1", "DOCK"]
OPENING = Decimal(20)
SECONDS = 5

# on-hand per balance key, recomputed from the ledger alone, joined to the balance rows: the mismatches
LEDGER_VS_BALANCES = """
    WITH legs AS (
      SELECT to_location_id AS loc, item_id, coalesce(lot_id, 0) AS lot, to_status AS status, qty FROM movement
       WHERE to_location_id IS NOT NULL
      UNION ALL
      SELECT from_location_id, item_id, coalesce(lot_id, 0), from_status, -qty FROM movement
       WHERE from_location_id IS NOT NULL
    ), ledger AS (SELECT loc, item_id, lot, status, sum(qty) AS qty FROM legs GROUP BY 1, 2, 3, 4)
    SELECT count(*) FROM ledger l FULL JOIN stock_balance b
      ON b.location_id = l.loc AND b.item_id = l.item_id AND coalesce(b.lot_id, 0) = l.lot AND b.status = l.status
     WHERE coalesce(l.qty, 0) <> coalesce(b.qty, 0)
"""


def _legs(ids, kind: str, a: str, b: str, qty: Decimal) -> list[Leg]:
    item, lot = ids["IC"], ids["LOT1"]
    if kind == "move":
        return [Leg(item, lot, qty, ids[a], "available", ids[b], "available")]
    if kind == "issue":  # consumed at a
        return [Leg(item, lot, qty, from_location_id=ids[a], from_status="available")]
    return [Leg(item, lot, qty, to_location_id=ids[a], to_status="available")]  # receipt


@pytest.mark.slow
def test_sixteen_terminals_on_five_hot_balances(db, clerk):
    ids = helpers.small_site(db)
    for code in HOT:
        post_moves(db, clerk, "opening", [Leg(ids["IC"], ids["LOT1"], OPENING, to_location_id=ids[code],
                                              to_status="available")], key=f"open-{code}")
    acked: dict[str, tuple[str, Decimal]] = {}
    refused: set[str] = set()
    retried = {"serial": 0, "concurrent": 0}
    crashes: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + SECONDS

    def send(key: str, kind: str, legs: list[Leg], qty: Decimal) -> None:
        try:
            post_moves(db, clerk, kind, legs, key=key)
            with lock:
                acked[key] = (kind, qty)
        except InsufficientStock:
            with lock:
                refused.add(key)
        except Exception as exc:  # anything else (a deadlock, a CHECK violation) must fail the test, not a thread
            with lock:
                crashes.append(repr(exc))

    def terminal(n: int) -> None:
        rng = random.Random(n)
        i = 0
        while time.monotonic() < stop:
            i += 1
            key, (a, b) = f"t{n}-{i}", rng.sample(HOT, 2)
            qty = Decimal(rng.randint(1, 9))
            kind = rng.choice(["move", "move", "issue", "receipt"])
            legs = _legs(ids, kind, a, b, qty)
            roll = rng.random()
            if roll < 0.1:  # the same confirmation delivered twice at once (two sessions racing on one key)
                twin = threading.Thread(target=send, args=(key, kind, legs, qty))
                twin.start()
                send(key, kind, legs, qty)
                twin.join()
                retried["concurrent"] += 1
            else:
                send(key, kind, legs, qty)
                if roll < 0.25:  # a retried scan after a lost answer: same key again
                    send(key, kind, legs, qty)
                    retried["serial"] += 1

    threads = [threading.Thread(target=terminal, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not crashes, crashes[:3]
    assert len(acked) > 100 and refused - acked.keys() and all(retried.values())  # every path exercised

    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance WHERE qty < 0 OR reserved < 0"
                              " OR reserved > qty") == 0
    assert helpers.scalar(db, LEDGER_VS_BALANCES) == 0
    per_key = dict(helpers.rows(db, "SELECT operation_key, count(*) FROM movement GROUP BY 1"))
    assert all(per_key.get(k) == 1 for k in acked)  # every acknowledged key took effect exactly once
    never_acked = refused - acked.keys()
    assert not never_acked & per_key.keys()  # a refusal wrote no movement...
    assert helpers.scalar(db, "SELECT count(*) FROM operation WHERE key = ANY(:k)", k=list(never_acked)) == 0
    assert helpers.scalar(db, "SELECT count(*) FROM operation") == len(acked) + len(HOT)  # ...and no key
    # conservation: what is on hand is the openings plus what the acknowledged receipts and issues say
    expected = OPENING * len(HOT) + sum(q if k == "receipt" else -q for k, q in acked.values() if k != "move")
    assert Decimal(helpers.scalar(db, "SELECT coalesce(sum(qty), 0) FROM stock_balance")) == expected
    report = run_checks(db)
    assert report.ok, [c for c in report.checks if not c.ok]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["in", "out", "move"]), st.integers(0, 2), st.integers(0, 2),
                          st.integers(1, 30)), min_size=1, max_size=25))
def test_sequences_of_operations_match_a_model(db, clerk, ops):
    """Random operation sequences against a Python model of the balances."""
    ids = helpers.small_site(db) if not helpers.scalar(db, "SELECT count(*) FROM warehouse") else _ids(db)
    locs = ["A-01", "A-02", "QA"]
    before = {c: Decimal(helpers.scalar(db, "SELECT coalesce(sum(qty), 0) FROM stock_balance WHERE location_id = :l",
                                        l=ids[c])) for c in locs}
    model = dict(before)
    for n, (op, a, b, q) in enumerate(ops):
        qty, src, dst = Decimal(q), locs[a], locs[b]
        if op == "move" and src == dst:
            continue
        legs = {"in": [Leg(ids["IC"], ids["LOT1"], qty, to_location_id=ids[dst], to_status="available")],
                "out": [Leg(ids["IC"], ids["LOT1"], qty, from_location_id=ids[src], from_status="available")],
                "move": [Leg(ids["IC"], ids["LOT1"], qty, ids[src], "available", ids[dst], "available")]}[op]
        should_fail = op in ("out", "move") and model[src] < qty
        try:
            kind = {"in": "receipt", "out": "issue", "move": "move"}[op]
            post_moves(db, clerk, kind, legs, key=f"h-{time.monotonic_ns()}-{n}")
            assert not should_fail
            if op in ("out", "move"):
                model[src] -= qty
            if op in ("in", "move"):
                model[dst] += qty
        except InsufficientStock:
            assert should_fail
    for code in locs:
        assert Decimal(helpers.scalar(db, "SELECT coalesce(sum(qty), 0) FROM stock_balance WHERE location_id = :l",
                                      l=ids[code])) == model[code]
    assert run_checks(db).ok


def _ids(db) -> dict:
    ids = {code: helpers.scalar(db, "SELECT id FROM location WHERE code = :c", c=code) for code in HOT}
    ids["IC"] = helpers.scalar(db, "SELECT id FROM item WHERE sku = 'IC-1'")
    ids["LOT1"] = helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'L1'")
    return ids
