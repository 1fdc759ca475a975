"""Pallet labels: GS1-128 `(00)SSCC` with the pallet's lots as text, as ZPL, PNG or SVG (python-barcode, as the
lot labels in core/services/labels.py)."""

from __future__ import annotations

import io

from core.db import Database
from core.errors import LinesideError
from core.permissions import Actor, require
from core.services import pallets
from core.services.labels import _zpl_escape
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
    from PIL import Image, ImageDraw, ImageFont

    symbol = Image.open(io.BytesIO(_symbol(p, ImageWriter(), {"dpi": dpi}))).convert("RGB")
    font = ImageFont.load_default(size=36)
    lines = _text_lines(p)
    head = 20 + 48 * len(lines)
    page = Image.new("RGB", (symbol.width, symbol.height + head), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((40, 14 + 48 * i), line, fill="black", font=font)
    page.paste(symbol, (0, head))
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def render_svg(p: PalletDone) -> bytes:
    from xml.sax.saxutils import escape

    from barcode.writer import SVGWriter

    symbol = _symbol(p, SVGWriter(), {}).decode()
    symbol = symbol[symbol.index("<svg"):]
    lines = "".join(f'<text x="4" y="{6 + 6 * i}" font-size="4.5" font-family="sans-serif">{escape(t)}</text>'
                    for i, t in enumerate(_text_lines(p)))
    top = 8 + 6 * len(_text_lines(p))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="110mm" '
            f'height="{top + 50}mm" viewBox="0 0 110 {top + 50}">{lines}<g transform="translate(0,{top})">{symbol}'
            f'</g></svg>').encode()


def render(p: PalletDone, fmt: str) -> bytes:
    """The pallet label in one of FORMATS."""
    if fmt == "zpl":
        return render_zpl(p).encode()
    if fmt == "png":
        return render_png(p)
    if fmt == "svg":
        return render_svg(p)
    raise LinesideError("Unknown label format {fmt}", fmt=fmt)
