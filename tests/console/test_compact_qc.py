"""QC inspection in the RF-gun layout (20x16, 40x8): the queue, Enter takes the oldest, failed with a reason, signed,
posted to quarantine; its main states photographed at both sizes in both languages (compact_steps.shots)."""

from __future__ import annotations

from console.screens.qc import QcScreen
from tests import helpers
from tests.console import inbound_steps
from tests.console.compact_steps import RF, shots
from tests.console.inbound_steps import answer, open_flow
from tests.console.steps import wait_until
from tests.console.test_putaway_qc import balances, received

inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures
received = received  # fixture


async def test_qc_at_rf_size(db, make_app, received, inspector, snapshot):
    helpers.exec_sql(db, "UPDATE lot SET received_at = now() - interval '3 days' WHERE lot_no = 'Q-2'")
    helpers.exec_sql(db, "UPDATE lot SET received_at = now() - interval '5 hours' WHERE lot_no = 'Q-1'")
    # the expiry the decision shows, photographed: a fixed day, not the receipt's today + shelf life
    helpers.exec_sql(db, "UPDATE lot SET expiry = DATE '2027-12-01' WHERE lot_no IN ('Q-1', 'Q-2')")
    app = make_app()
    async with app.run_test(size=RF) as pilot:
        screen = await open_flow(pilot, "q", badge="Q900")
        assert isinstance(screen, QcScreen)
        await wait_until(pilot, lambda: len(screen.queue) == 2)
        await shots(pilot, snapshot, "queue")
        await answer(pilot, screen, "", "decide")  # Enter alone: the oldest, Q-2
        await shots(pilot, snapshot, "decide")
        await answer(pilot, screen, "2", "reason")
        await answer(pilot, screen, "2", "sign")
        await shots(pilot, snapshot, "sign")
        await answer(pilot, screen, "1234", "lot")
        await wait_until(pilot, lambda: len(screen.queue) == 1)
        assert screen.message.text == "Lot Q-2 failed: rejected, to quarantine"
        await shots(pilot, snapshot, "failed")
        assert balances(db, "Q-2") == [("QA", "rejected", 10)]
        assert helpers.scalar(db, "SELECT reason FROM movement WHERE reference = 'QC Q-2'") == "out_of_spec"
