"""Pallet labels: GS1-128 `(00)SSCC` with the pallet's lots as text, as ZPL, PNG or SVG (python-barcode, as the
lot labels in core/services/labels.py)."""

from __future__ import annotations

import io

from core.db import Database
from core.errors import LinesideError
from core.permissions import Actor, require
from core.services import pallets
from core.services.labels import _zpl_escape, text_above_png, text_above_svg
from core.services.pallets import PalletDone

FORMATS = ("zpl", "png", "svg")
MAX_LINES = 5  # lots listed on a 4x6 inch label; more are counted


def pallet_label(db: Database, actor: Actor, sscc: str) -> PalletDone:
    """What a pallet's label shows: its SSCC and what is on it now."""
    require(actor, "label.print")
    return pallets.show(db, sscc)


def _text_lines(p: PalletDone) -> list[str]:
    lines = [f"PALLET  SSCC {p.sscc}"]
    for lot in p.lots[:MAX_LINES]:
        lines.append(f"{lot.sku}  LOT {lot.lot}  QTY {format(lot.qty.normalize(), 'f')}")
    if len(p.lots) > MAX_LINES:
        lines.append(f"+ {len(p.lots) - MAX_LINES} more lots")
    return lines


def render_zpl(p: PalletDone) -> str:
    """ZPL II for a 4x6 inch label: the lots as text, then GS1-128 (FNC1 via >8) of (00)SSCC."""
    lines = "".join(f"^FO30,{20 + 40 * i}^A0N,32,32^FH^FD{_zpl_escape(t)}^FS" for i, t in enumerate(_text_lines(p)))
    return f"^XA^CI28^PW812^LL1218{lines}^FO30,400^BY3,3,300^BCN,300,Y,N,N,D^FD>;>800{p.sscc}^FS^XZ"


def _symbol(p: PalletDone, writer, options: dict) -> bytes:
    from barcode import Gs1_128

    buf = io.BytesIO()
    Gs1_128("00" + p.sscc, writer=writer).write(  # python-barcode adds the leading FNC1
        buf, options={"module_width": 0.4, "module_height": 30, "quiet_zone": 6, "font_size": 10, **options},
        text=f"(00){p.sscc}")
    return buf.getvalue()


def render_png(p: PalletDone, dpi: int = 300) -> bytes:
    from barcode.writer import ImageWriter

    return text_above_png(_symbol(p, ImageWriter(), {"dpi": dpi}), _text_lines(p), dpi)


def render_svg(p: PalletDone) -> bytes:
    from barcode.writer import SVGWriter

    lines = _text_lines(p)
    top = 8 + 6 * len(lines)
    return text_above_svg(_symbol(p, SVGWriter(), {}).decode(), lines, top=top, height=top + 50)


def render(p: PalletDone, fmt: str) -> bytes:
    """The pallet label in one of FORMATS."""
    if fmt == "zpl":
        return render_zpl(p).encode()
    if fmt == "png":
        return render_png(p)
    if fmt == "svg":
        return render_svg(p)
    raise LinesideError("Unknown label format {fmt}", fmt=fmt)
