"""Trace (`8`) on a built history: a lot scanned on home opens both trees; keys expand; F2 recall blocks stock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Tree

from console.screens.trace import TraceScreen
from core.services import shipping
from tests import helpers
from tests.console.conftest import SIZE
from tests.console.steps import scan, sign_in, text_of, wait_until


@pytest.fixture
def history(db, clerk, supervisor, system):
    helpers.built_history(db, clerk, supervisor, system)
    shipping.ship(db, clerk, key="s1", so_number="SO-1", lot="WO-1-01", qty=Decimal(30))
    return db


def lines(app, kind: str) -> list[str]:
    """The tree's visible lines, as plain text."""
    tree = app.screen.query_one(f"#tree-{kind}", Tree)
    return [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]


async def open_trace(pilot, lot: str, badge: str = "C900") -> TraceScreen:
    """Sign in and scan the lot on the home screen: the trace opens on it."""
    await sign_in(pilot, badge)
    await scan(pilot, lot)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TraceScreen) and pilot.app.screen.traced)
    return pilot.app.screen


async def open_line(pilot, kind: str, startswith: str) -> None:
    """Move the cursor down to the line and press Enter (the scan field is empty)."""
    index = next(i for i, text in enumerate(lines(pilot.app, kind)) if text.startswith(startswith))
    tree = pilot.app.screen.query_one(f"#tree-{kind}", Tree)
    await pilot.press(*["down"] * (index - tree.cursor_line), "enter")
    await pilot.pause()


async def test_lot_scanned_on_home_opens_both_trees_and_keys_expand_them(db, make_app, history):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trace(pilot, "WO-2-01")
        assert screen.active == "back"  # made here: what went into it first
        assert text_of(app, "#summary") == "3 lots · 1 work order · 0 customers · on hand 50"
        back = lines(app, "back")
        assert back[0] == "WO-2-01 · PCBA-1 · 50 · WO-2"
        assert "Operators C900" in back and back[-2:] == ["IC-A · IC-1 · 50 · SUP-1", "IC-B · IC-1 · 50 · SUP-1"]
        await open_line(pilot, "back", "IC-A")
        assert any(t.startswith("Supplier SUP-1 · received ") for t in lines(app, "back"))
        await pilot.press("tab")
        assert screen.active == "fwd" and lines(app, "fwd") == ["WO-2-01 · PCBA-1", "■ FG-1 · available · 50"]
        assert app.focused is screen.scan_field  # the scan field never loses the focus

        await scan(pilot, "IC-A")  # a new scan traces the next lot
        await wait_until(pilot, lambda: screen.traced.back.lot == "IC-A")
        assert screen.active == "fwd"  # a supplier lot: where it went first
        assert text_of(app, "#summary") == "3 lots · 2 work orders · 1 customer · on hand 70"
        assert lines(app, "fwd")[1:] == ["WO-1-01 · PCBA-1 · 100 · WO-1", "WO-2-01 · PCBA-1 · 50 · WO-2"]
        await open_line(pilot, "fwd", "WO-1-01")
        fwd = lines(app, "fwd")
        assert fwd[2].startswith("→ CUST-1 · SO-1 · 30 · ") and fwd[3] == "■ FG-1 · available · 20"
        await pilot.press("enter")  # Enter again closes the line
        assert len(lines(app, "fwd")) == 3
        await pilot.press("escape")
        assert screen.step == "lot" and not lines(app, "fwd")[0]


async def test_f9_keeps_the_opened_lines_and_the_cursor(db, make_app, history):
    """Another language relabels the trees; what the operator opened and where the cursor was stay."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trace(pilot, "WO-2-01")
        await open_line(pilot, "back", "IC-A")
        tree = screen.query_one("#tree-back", Tree)
        opened, cursor = len(lines(app, "back")), tree.cursor_line
        assert any(t.startswith("Supplier SUP-1") for t in lines(app, "back"))
        await pilot.press("f9")
        await pilot.pause()
        assert app.lang == "zh_CN"
        assert len(lines(app, "back")) == opened and tree.cursor_line == cursor
        assert any(t.startswith("供应商 SUP-1") for t in lines(app, "back"))  # relabelled, still open
        assert str(tree.get_node_at_line(cursor).label).startswith("IC-A")


async def test_not_a_lot_is_refused_on_the_same_step(db, make_app, history):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trace(pilot, "IC-B")
        await scan(pilot, "FG-1")
        await wait_until(pilot, lambda: screen.message.is_error)
        assert text_of(app, "MessageLine") == "Not a lot: FG-1" and screen.traced.back.lot == "IC-B"


async def test_f2_recall_blocks_exactly_the_affected_stock(db, make_app, history):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trace(pilot, "IC-B", badge="S900")
        await pilot.press("f2")
        await wait_until(pilot, lambda: screen.step == "reason")
        panel = text_of(app, "#recall")
        assert "Recall IC-B (IC-1)" in panel and "2 lots · 1 work order · 0 customers · 0 shipments" in panel
        assert "On hand to block: 300 in 2 balances" in panel
        await scan(pilot, "")
        assert text_of(app, "MessageLine") == "A recall needs a reason" and screen.step == "reason"
        await scan(pilot, "supplier notice")
        assert screen.step == "confirm" and "Reason: supplier notice" in text_of(app, "#recall")
        assert helpers.scalar(db, "SELECT count(*) FROM stock_balance WHERE status = 'blocked'") == 0
        await scan(pilot, "")  # the second Enter confirms
        await wait_until(pilot, lambda: screen.step == "sign")
        assert text_of(app, "#prompt") == "Sign: Recalled — re-enter your PIN" and "IC-B" in text_of(app, "#recall")
        assert helpers.scalar(db, "SELECT count(*) FROM stock_balance WHERE status = 'blocked'") == 0
        await scan(pilot, "1234")
        await wait_until(pilot, lambda: screen.step == "trees" and "Recall raised" in text_of(app, "MessageLine"))
        assert text_of(app, "MessageLine") == "Recall raised: 2 lots, 2 balances blocked"
        blocked = helpers.rows(db, "SELECT lt.lot_no, b.qty FROM stock_balance b JOIN lot lt ON lt.id = b.lot_id"
                                   " WHERE b.status = 'blocked' ORDER BY 1")
        assert blocked == [("IC-B", 250), ("WO-2-01", 50)]
        assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE type = 'recall.raised'") == 1
        await wait_until(pilot, lambda: "■ A-02 · blocked · 250" in lines(app, "fwd"))


async def test_a_clerk_cannot_raise_a_recall(db, make_app, history):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_trace(pilot, "IC-B")
        await pilot.press("f2")
        assert text_of(app, "MessageLine") == "Only a supervisor can raise a recall" and screen.step == "trees"
        assert "F2" not in text_of(app, "KeyHints")
        await pilot.press("f9")  # the refusal said again in the other language
        await wait_until(pilot, lambda: text_of(app, "MessageLine") == "只有主管可以发起召回")
