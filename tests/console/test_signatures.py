"""The signature step by keys on QC, count approval and recall: the meaning, then the PIN; snapshots at 80x24.

Each flow is driven to its signature step; a right PIN posts, a wrong one is one red line with nothing written,
the fifth wrong one locks the badge (and a locked badge signs nothing, even with its right PIN), Esc signs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from core.services import counting, receiving
from tests import helpers
from tests.console import inbound_steps
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.steps import scan, sign_in, text_of, wait_until
from tests.console.test_flow_snapshots import history, utc  # noqa: F401  (fixtures)

LANGS = ["en", "zh_CN"]
inbound, labels_home = inbound_steps.inbound, inbound_steps.labels_home  # fixtures


@pytest.fixture
def held(db, clerk, inbound):
    """IC-1 lot Q-1 (40, QC hold) on the dock."""
    receiving.receive(db, clerk, receiving.ReceiveCommand(key="r1", sku="IC-1", lot="Q-1", qty=Decimal(40),
                                                          expiry=date(2031, 1, 31), po_number="PO-1"))


@pytest.fixture
def variance(db, history, clerk, supervisor):  # noqa: F811
    """A count of IC-B in A-02 short by 49, waiting for a supervisor (S900 did not count it)."""
    counting.create_task(db, supervisor, "A-02")
    counting.record_count(db, clerk, key="c1", location="A-02", lot="IC-B", qty=Decimal(201))


async def _settle(pilot, step: str) -> None:
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "step", "") == step and not busy(pilot))


async def _walk(pilot, badge: str, *scans_and_steps) -> None:
    await sign_in(pilot, badge)
    for raw, step in scans_and_steps:
        await (pilot.press(raw) if raw.startswith("f") and raw[1:].isdigit() else scan(pilot, raw))
        await _settle(pilot, step)
    await pilot.pause()


async def qc_sign(pilot) -> None:
    await _walk(pilot, "Q900", ("q", "lot"), ("Q-1", "decide"), ("1", "sign"))


async def qc_fail_sign(pilot) -> None:
    await _walk(pilot, "Q900", ("q", "lot"), ("Q-1", "decide"), ("2", "reason"), ("3", "sign"))


async def count_sign(pilot) -> None:
    await _walk(pilot, "S900", ("7", "location"), ("f6", "pending"), ("1", "decide"), ("1", "reason"),
                ("reel found damaged", "sign"))


async def recall_sign(pilot) -> None:
    await _walk(pilot, "S900", ("IC-A", "trees"), ("f2", "reason"), ("supplier notice 4711", "confirm"),
                ("", "sign"))


@dataclass(frozen=True)
class Flow:
    """A signed flow: how to reach its signature, the prompt, where signing began, and whether it posted."""

    to_sign: object
    prompt: str
    began_at: str
    posted_sql: str
    badge: str


FLOWS = {
    "qc": Flow(qc_sign, "Sign: Released — re-enter your PIN", "decide",
               "SELECT count(*) FROM lot WHERE lot_no = 'Q-1' AND qc_status = 'passed'", "Q900"),
    "count": Flow(count_sign, "Sign: Approved — re-enter your PIN", "reason",
                  "SELECT count(*) FROM count_line WHERE status = 'approved'", "S900"),
    "recall": Flow(recall_sign, "Sign: Recalled — re-enter your PIN", "confirm",
                   "SELECT count(*) FROM stock_balance WHERE status = 'blocked'", "S900"),
}


@pytest.fixture
def flow(request, db):
    """The flow's site (its fixtures by name), and the flow."""
    name = request.param
    request.getfixturevalue({"qc": "held", "count": "variance", "recall": "history"}[name])
    return FLOWS[name]


def written(db) -> tuple:
    return helpers.rows(db, "SELECT (SELECT count(*) FROM movement), (SELECT count(*) FROM operation),"
                            " (SELECT count(*) FROM outbox), (SELECT count(*) FROM count_line"
                            " WHERE status <> 'pending')")[0]


async def _pin(pilot, pin: str, *, error: bool) -> None:
    screen = pilot.app.screen
    await scan(pilot, pin)
    await wait_until(pilot, lambda: not busy(pilot) and (screen.message.is_error if error else screen.step != "sign"))


@pytest.mark.parametrize("flow", FLOWS, indirect=True)
async def test_a_wrong_pin_is_one_red_line_and_the_right_one_posts(db, make_app, flow):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await flow.to_sign(pilot)
        screen = app.screen
        assert text_of(app, "#prompt") == flow.prompt and screen.scan_field.password
        before = written(db)
        await _pin(pilot, "9999", error=True)
        assert screen.message.text == "Wrong PIN: not signed, nothing posted" and screen.step == "sign"
        assert written(db) == before and helpers.scalar(db, flow.posted_sql) == 0
        assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'signature.failed'") == 1
        await pilot.press("enter")  # Enter alone is no PIN: nothing tried
        await pilot.pause()
        assert helpers.scalar(db, "SELECT failed_attempts FROM operator WHERE badge = :b", b=flow.badge) == 1
        await _pin(pilot, "1234", error=False)
        assert not screen.message.is_error and helpers.scalar(db, flow.posted_sql) > 0
        (new,) = [r[0] for r in helpers.rows(db, "SELECT new FROM audit_log WHERE new ? 'signature'")]
        assert new["signature"]["badge"] == flow.badge and new["signature"]["signed_by"] == f"Operator {flow.badge}"


@pytest.mark.parametrize("flow", FLOWS, indirect=True)
async def test_five_wrong_pins_lock_the_badge_and_nothing_is_signed(db, make_app, flow):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await flow.to_sign(pilot)
        screen = app.screen
        before = written(db)
        for _ in range(4):
            await _pin(pilot, "0000", error=True)
            assert screen.step == "sign"
        await _pin(pilot, "0000", error=True)
        assert screen.message.text == f"Badge {flow.badge} is locked after too many wrong PINs: not signed"
        assert screen.step == flow.began_at  # a locked badge signs nothing more here
        # asked again, the right PIN signs nothing while the badge is locked
        await scan(pilot, "" if flow.began_at == "confirm" else {"decide": "1", "reason": "again"}[flow.began_at])
        await _settle(pilot, "sign")
        await _pin(pilot, "1234", error=True)
        assert "is locked" in screen.message.text and screen.step == flow.began_at
        assert written(db) == before and helpers.scalar(db, flow.posted_sql) == 0
        assert helpers.scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'operator.locked'") == 1


@pytest.mark.parametrize("flow", FLOWS, indirect=True)
async def test_esc_on_the_signature_goes_back_and_signs_nothing(db, make_app, flow):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await flow.to_sign(pilot)
        before = written(db)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.step == flow.began_at and app.screen.signing is None
        assert written(db) == before


@pytest.mark.parametrize("lang", LANGS)
def test_qc_release_signature(snap_compare, make_app, held, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=qc_sign)


@pytest.mark.parametrize("lang", LANGS)
def test_qc_reject_signature(snap_compare, make_app, held, labels_home, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=qc_fail_sign)


@pytest.mark.parametrize("lang", LANGS)
def test_count_approval_signature(snap_compare, make_app, variance, lang):
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=count_sign)


@pytest.mark.parametrize("lang", LANGS)
def test_recall_signature(snap_compare, make_app, history, lang):  # noqa: F811
    assert snap_compare(make_app(lang=lang), terminal_size=SIZE, run_before=recall_sign)
