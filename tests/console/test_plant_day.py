"""A real plant's day by scans alone, on our own sample plant (tests/plant): two warehouses, a QC'd board, a chip
with a shelf life (and a supplier's pallet of it received by one scan of its SSCC), backflushed flux, untracked
screws, a serial-tracked finished good that crosses into its own warehouse and ships from there; every role signs
in on the same terminal; then trace and `check`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from console.screens.home import HomeScreen
from core.services import checks
from tests import helpers, plant
from tests.console.conftest import SIZE
from tests.console.flow_steps import busy
from tests.console.steps import scan, sign_in, text_of, wait_until

BOARD, CHIP, SCREW, UNIT = "09501101530010", "09501101530027", "09501101530034", "09501101530041"
PALLET = "006141410000000012"  # tests/plant/asn.csv: two lots of CHP-1 on PO-3
MARKUP = ("[/]", "[bold]x[/]")
FREE_TEXT = {"reason"}  # trace's recall reason is free text: markup there is a reason, shown literally
PROBED: list[tuple[str, str]] = []  # (flow, step) where markup was typed: the test checks it saw every flow


@pytest.fixture
def day(db, system, tmp_path, monkeypatch):
    import core.config

    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path))  # labels land in a folder of the test
    monkeypatch.delenv("LINESIDE_PRINTER", raising=False)
    core.config.settings.cache_clear()
    plant.load(db, system)
    yield
    core.config.settings.cache_clear()


def where(db, lot: str | None = None, sku: str | None = None) -> list[tuple]:
    """(warehouse, location, status, qty) of a lot (or an untracked item), where it is on hand."""
    return [tuple(r) for r in helpers.rows(
        db, "SELECT w.code, l.code, b.status, b.qty FROM stock_balance b JOIN location l ON l.id = b.location_id"
            " JOIN warehouse w ON w.id = l.warehouse_id JOIN item i ON i.id = b.item_id"
            " LEFT JOIN lot t ON t.id = b.lot_id WHERE (CAST(:lot AS text) IS NULL OR t.lot_no = :lot)"
            " AND (CAST(:sku AS text) IS NULL OR i.sku = :sku) ORDER BY 1, 2", lot=lot, sku=sku)]


class Terminal:
    """One terminal on the floor: sign in, open a flow by its menu key, scan, read the line."""

    def __init__(self, pilot) -> None:
        self.pilot = pilot

    @property
    def screen(self):
        return self.pilot.app.screen

    async def sign_in(self, badge: str, pin: str) -> None:
        if self.pilot.app.actor is not None:
            await self.pilot.press("f10")
        await sign_in(self.pilot, badge, pin)

    async def open(self, key: str) -> None:
        while not isinstance(self.screen, HomeScreen):
            await self.pilot.press("escape")
            await self.pilot.pause()
        home = self.screen
        await scan(self.pilot, key)
        await wait_until(self.pilot, lambda: self.screen is not home)

    async def to(self, raw: str, step: str) -> None:
        """Scan; the flow must arrive at `step` with nothing refused. First, at every step of the day, a clerk's
        stray markup is typed: it is refused on a red line that shows it literally, and the flow stays."""
        screen = self.screen
        if not screen.current.password and screen.current.name not in FREE_TEXT:
            for markup in MARKUP:
                assert markup in await self.refused(markup)
                PROBED.append((type(screen).__name__, screen.step))
        await scan(self.pilot, raw)
        await wait_until(self.pilot, lambda: (screen.step == step and not busy(self.pilot))
                         or screen.message.is_error)
        assert not screen.message.is_error, f"{raw!r} refused at {screen.step}: {screen.message.text}"
        assert screen.step == step

    async def refused(self, raw: str) -> str:
        """Scan something wrong: one red line, the same step."""
        screen, step = self.screen, self.screen.step
        await scan(self.pilot, raw)
        await wait_until(self.pilot, lambda: screen.message.is_error and not busy(self.pilot))
        assert screen.step == step
        return screen.message.text

    async def release(self) -> None:
        """F5 on a work order's detail: released at once (the supervisor's action)."""
        screen = self.screen
        await self.pilot.press("f5")
        await wait_until(self.pilot, lambda: "released" in screen.message.text or screen.message.is_error)
        assert not screen.message.is_error, screen.message.text

    @property
    def line(self) -> str:
        return self.screen.message.text


async def test_a_plant_day_by_scans_alone(db, make_app, day):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        t = Terminal(pilot)

        # Receiving: GS1 labels, an untracked item by its GTIN, a wrong scan and markup refused at the step.
        await t.sign_in("K100", "1111")
        await t.open("1")
        await t.to("PO-1", "item")
        assert await t.refused("[/]") == "Unknown scan: [/]"  # typed text is never markup
        await t.to(f"(01){BOARD}(10)B-0001(30)10", "item")
        assert "B-0001" in t.line and "QC hold" in t.line
        await pilot.press("escape")
        await t.to("PO-2", "item")
        await t.to(f"(01){CHIP}(10)C-0001(17)271231(30)20", "item")
        await t.to(SCREW, "qty")
        assert "Enter = 100" in text_of(app, "#prompt")
        await t.to("", "item")
        assert where(db, "B-0001") == [("RAW", "RCV-R", "qc_hold", 10)]
        assert where(db, sku="SCW-1") == [("RAW", "RCV-R", "available", 100)]
        # A supplier's pallet (its ASN by SSCC) by one scan: both its lots land on the dock, on PO-3's line.
        await t.to(f"(00){PALLET}", "item")
        await wait_until(pilot, lambda: "received on" in t.line)
        assert t.line == f"Pallet {PALLET} received on RCV-R: 2 lots, 40 in all"
        assert where(db, "CHP-P1") == [("RAW", "RCV-R", "available", 24)]
        assert where(db, "CHP-P2") == [("RAW", "RCV-R", "available", 16)]

        # QC: the inspector releases the board.
        await t.sign_in("I100", "2222")
        await t.open("q")
        await t.to("B-0001", "decide")
        await t.to("1", "sign")  # signed: Released
        await t.to("2222", "lot")

        # Putaway: lots by their labels, the screws by their SKU; each to the location suggested.
        await t.sign_in("K100", "1111")
        await t.open("2")
        for label in (f"(01){BOARD}(10)B-0001(30)10", f"(01){CHIP}(10)C-0001(30)20", "SCW-1"):
            await t.to(label, "location")
            suggested = t.screen.suggestion.location
            await t.to(suggested, "lot")
        assert [w for w, *_ in where(db, "B-0001")] == ["RAW"] and where(db, "B-0001")[0][1].startswith("R-")

        # The supervisor releases the first order, and a second one of the same line for a spare board.
        helpers.add_work_order(db, "WO-D", "ASM-1", 1, due="2026-12-03")
        await t.sign_in("P100", "333333")
        for wo in ("WO-A", "WO-D"):
            await t.open("w")
            await t.to(wo, "detail")
            await t.release()

        # Picking, both orders in one walk (F6 at the first location adds WO-D): the boards and the chips of the
        # two are one line each; a wrong location is refused at its step; the flux is backflushed, not picked.
        await t.sign_in("K100", "1111")
        await t.open("3")
        await t.to("WO-A", "location")
        assert "FLUX-1" not in text_of(app, "#detail")
        await pilot.press("f6")
        await wait_until(pilot, lambda: t.screen.step == "batch")
        await t.to("WO-D", "batch")
        assert t.line == "WO-D added: 2 lines to pick"
        await t.to("", "location")
        assert [(w.sku, w.qty, [p.wo_number for p in w.parts]) for w in t.screen.tasks] == [
            ("BRD-1", 3, ["WO-A", "WO-D"]), ("CHP-1", 6, ["WO-A", "WO-D"])]
        for _task in range(2):
            assert await t.refused("LINE-1")  # not the task's location
            await t.to(t.screen.task.location, "lot")
            await t.to(t.screen.task.lot, "qty")
            await t.to("", "drop" if t.screen.i == len(t.screen.tasks) - 1 else "location")
        await t.to("LINE-1", "wo")
        assert t.line == "Posted: 4 lines of WO-A, WO-D to LINE-1"
        assert helpers.rows(db, "SELECT w.wo_number, i.sku, r.qty FROM reservation r JOIN work_order w"
                                " ON w.id = r.work_order_id JOIN item i ON i.id = r.item_id JOIN location l"
                                " ON l.id = r.location_id WHERE l.code = 'LINE-1' AND w.wo_number IN ('WO-A',"
                                " 'WO-D') ORDER BY 1, 2") == [  # each order's share, as if alone
            ("WO-A", "BRD-1", 2), ("WO-A", "CHP-1", 4), ("WO-A", "FLUX-1", Decimal("0.02")),
            ("WO-D", "BRD-1", 1), ("WO-D", "CHP-1", 2), ("WO-D", "FLUX-1", Decimal("0.01"))]

        # Issue: the board and the chips from the line side; output backflushes the flux once.
        await t.open("4")
        await t.to("WO-A", "lot")
        await t.to("B-0001", "qty")
        await t.to("", "lot")
        await t.to("C-0001", "qty")
        await t.to("", "lot")
        await t.open("5")
        await t.to("WO-A", "good")
        await t.to("2", "scrap")
        await t.to("", "wo")
        assert where(db, "WO-A-01") == [("RAW", "LINE-1", "available", 2)]
        assert where(db, "FX-01") == [("RAW", "LINE-1", "available", Decimal("0.98"))]  # 2 x 0.01 KG, consumed once

        # The assembled boards go to stock, the second order is released and picked, then issued and made.
        await t.open("2")
        await t.to("WO-A-01", "location")
        await t.to(t.screen.suggestion.location, "lot")
        await t.sign_in("P100", "333333")
        await t.open("w")
        await t.to("WO-B", "detail")
        await t.release()
        await t.sign_in("K100", "1111")
        await t.open("3")
        await t.to("WO-B", "location")
        while t.screen.step == "location":
            task = t.screen.task
            await t.to(task.location, "lot" if task.tracking != "none" else "item")
            await t.to(task.lot or task.sku, "qty")
            await t.to("", "drop" if t.screen.i == len(t.screen.tasks) - 1 else "location")
        await t.to("LINE-1", "wo")
        await t.open("4")
        await t.to("WO-B", "lot")
        await t.to("WO-A-01", "qty")
        await t.to("", "lot")
        await t.to("SCW-1", "qty")
        await t.to("", "lot")
        await t.open("5")
        await t.to("WO-B", "good")
        await t.to("2", "scrap")
        await t.to("", "wo")
        assert where(db, "WO-B-01") == [("RAW", "LINE-1", "available", 1)]

        # Line-side min/max: LINE-1 keeps 2..10 screws, and WO-B used them up; Enter alone at picking takes the
        # task, from the storage bin the screws were put away to, and the drop at the line closes it.
        await t.open("3")
        await t.to("", "location")
        source = t.screen.task.location
        assert source.startswith("R-")
        await t.to(source, "item")
        await t.to("SCW-1", "qty")
        assert "Enter = 10" in text_of(app, "#prompt")
        await t.to("", "drop")
        await t.to("LINE-1", "wo")
        assert t.line == f"Replenished LINE-1: 10 SCW-1 from {source}"
        assert where(db, sku="SCW-1") == [("RAW", "LINE-1", "available", 10), ("RAW", source, "available", 82)]
        assert helpers.rows(db, "SELECT status FROM replenishment_task") == [("done",)]

        # WO-D will not run today: the supervisor closes it, and the screen lists its material left at LINE-1
        # (not the screws, which LINE-1 keeps by min/max); the clerk sends the board back by scans: lot,
        # quantity (Enter = what is there), reason, and the bin putaway's rules suggest.
        await t.sign_in("P100", "333333")
        await t.open("w")
        await t.to("WO-D", "detail")
        await pilot.press("f7")
        await wait_until(pilot, lambda: t.screen.step == "confirm")
        await scan(pilot, "")
        await wait_until(pilot, lambda: t.line.startswith("WO-D: closed"))
        assert t.line == ("WO-D: closed  to return: 1 BRD-1 B-0001 at LINE-1, 2 CHP-1 C-0001 at LINE-1,"
                          " 0.98 FLUX-1 FX-01 at LINE-1")  # not the screws: LINE-1 keeps them by min/max
        await t.sign_in("K100", "1111")
        await t.open("r")
        await t.to("B-0001", "qty")
        assert "Enter = 1" in text_of(app, "#prompt")
        await t.to("", "reason")
        await t.to("3", "location")  # order cancelled
        home = t.screen.suggestion.location
        assert home.startswith("R-")
        await t.to(home, "lot")
        assert [r for r in where(db, "B-0001") if r[1] == "LINE-1" and r[3] > 0] == []
        assert ("RAW", home, "available") in [r[:3] for r in where(db, "B-0001")]

        # The serials cross into the finished-goods warehouse by one scan each, and ship from there.
        await t.open("2")
        for serial in ("WO-B-01", "WO-B-02"):
            await t.to(serial, "location")
            assert t.screen.suggestion.location.startswith("F-")
            await t.to(t.screen.suggestion.location, "lot")
            assert where(db, serial)[0][:2] == ("FIN", t.screen.message.text.split()[-1])
        await t.open("6")
        await t.to("SO-1", "lot")
        for serial in ("WO-B-01", "WO-B-02"):  # a serial ships by its scan alone: no quantity is asked
            await t.to(serial, "lot" if serial.endswith("01") else "order")
        assert where(db, sku="UNIT-1") == []

        # The shop floor: an ASM-2 order through SMT placement and coating; the coating fails its check, the
        # inspector sends it to rework (signed), the rework passes; SMT-1 stops for a breakdown and runs again.
        helpers.add_work_order(db, "WO-C", "ASM-2", 2, due="2026-12-05")
        await t.sign_in("P100", "333333")
        await t.open("w")
        await t.to("WO-C", "detail")
        await t.release()
        await t.sign_in("K100", "1111")
        await t.open("o")
        for wc, values in (("SMT-1", ()), ("COAT-1", ("90", "20"))):
            await t.to(wc, "wo")
            await t.to("WO-C", "action")
            await t.to("1", "wo")  # started
            await t.to("WO-C", "action")
            await t.to("2", "good")
            await t.to("2", "scrap")
            await t.to("", "measure" if values else "wo")
            for n, value in enumerate(values):
                await t.to(value, "measure" if n + 1 < len(values) else "wo")
            if not values:
                await pilot.press("escape")  # to the work-centre step, for the next one
        assert t.line == "Out of limits: Coating thickness. WO-C output held, nonconformance raised"
        await t.sign_in("I100", "2222")
        await t.open("n")
        await t.to("1", "disposition")
        await t.to("2", "work_center")
        await t.to("COAT-1", "sign")
        await t.to("2222", "pick")  # signed: Sent to rework
        assert t.line == "Nonconformance 1: rework op 21 at COAT-1; signed Sent to rework"
        await t.sign_in("K100", "1111")
        await t.open("o")
        await t.to("COAT-1", "wo")
        for raw, step in (("WO-C", "action"), ("1", "wo"), ("WO-C", "action"), ("2", "good"), ("2", "scrap"),
                          ("", "measure"), ("50", "measure"), ("20", "wo")):
            await t.to(raw, step)
        assert t.line == "WO-C rework op 21 passed: nonconformance closed"
        await t.open("d")
        await t.to("SMT-1", "reason")
        await t.to("3", "wc")  # 1 Break, 2 Changeover (planned), 3 Breakdown
        assert t.line == "SMT-1 stopped: Breakdown"
        await t.to("SMT-1", "end")
        await t.to("", "wc")
        assert t.line.startswith("SMT-1 runs again after")
        assert helpers.rows(db, "SELECT status, disposition, meaning FROM nonconformance") == [
            ("closed", "rework", "rework")]
        assert helpers.rows(db, "SELECT o.op_no, o.status, o.good FROM wo_operation o JOIN work_order w"
                                " ON w.id = o.work_order_id WHERE w.wo_number = 'WO-C' ORDER BY op_no") == [
            (10, "done", 2), (20, "done", 2), (21, "done", 2)]

        # Trace: from the supplier's board lot forward to the customer.
        await t.open("8")
        await t.to("B-0001", "trees")
        assert "2 work orders · 1 customer" in text_of(app, "#summary")

    flows = {flow for flow, _step in PROBED}
    assert flows >= {"ReceivingScreen", "QcScreen", "PutawayScreen", "WorkOrdersScreen", "PickingScreen",
                     "IssueScreen", "OutputScreen", "ShippingScreen", "TraceScreen", "OperationsScreen",
                     "NonconformanceScreen", "DowntimeScreen"}, flows
    assert len(set(PROBED)) >= 15, sorted(set(PROBED))
    report = checks.run_checks(db)
    assert report.ok, [c for c in report.checks if not c.ok]
