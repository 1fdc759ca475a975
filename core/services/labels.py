"""Lot labels: GS1-128 `(01)GTIN|(240)SKU (10)LOT (17)EXPIRY (30)QTY` as PNG, SVG, ZPL, and a QR variant."""

from __future__ import annotations

import io
import socket
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from core.db import Database
from core.errors import LinesideError
from core.permissions import Actor, require
from core.services.lots import find_lot

FNC1 = "\xf1"  # python-barcode's FNC1; GS1 uses it as the separator after a variable-length field
FORMATS = ("zpl", "png", "svg", "qr-png", "qr-svg")


@dataclass(frozen=True)
class LotLabel:
    sku: str
    name: str
    lot: str | None
    expiry: date | None
    qty: Decimal
    uom: str
    gtin: str | None

    def fields(self) -> list[tuple[str, str]]:
        """(AI, value) in label order; GTIN when the item has one, else the SKU (AI 240)."""
        out = [("01", self.gtin.zfill(14))] if self.gtin else [("240", self.sku)]
        if self.lot:
            out.append(("10", self.lot))
        if self.expiry:
            out.append(("17", self.expiry.strftime("%y%m%d")))
        if self.qty == self.qty.to_integral_value() and self.qty > 0:
            out.append(("30", str(int(self.qty))))
        return out

    def hri(self) -> str:
        """Human-readable form: (01)…(10)…"""
        return "".join(f"({ai}){value}" for ai, value in self.fields())

    def element_string(self, separator: str = "\x1d") -> str:
        """Raw GS1 element string; variable-length fields are closed by `separator` unless last."""
        parts, fields = [], self.fields()
        for i, (ai, value) in enumerate(fields):
            parts.append(ai + value)
            if ai in ("10", "240", "21", "30") and i < len(fields) - 1:
                parts.append(separator)
        return "".join(parts)


def lot_label(db: Database, actor: Actor, lot: str, sku: str | None = None) -> LotLabel:
    """The label for a lot, with its on-hand quantity."""
    require(actor, "label.print")
    with db.uow() as uow:
        found = find_lot(uow.session, lot, sku)
        row = uow.execute(
            text("SELECT i.name, i.uom, i.gtin, coalesce((SELECT sum(qty) FROM stock_balance WHERE lot_id = :l), 0)"
                 " AS qty FROM item i WHERE i.id = :i"),
            {"l": found.id, "i": found.item_id},
        ).first()
    return LotLabel(found.sku, row.name, found.lot_no, found.expiry, Decimal(row.qty), row.uom, row.gtin)


def _text_lines(label: LotLabel) -> list[str]:
    qty = format(label.qty.normalize(), "f")
    lines = [label.name, f"SKU {label.sku}   LOT {label.lot or '-'}"]
    lines.append(f"QTY {qty} {label.uom}" + (f"   EXP {label.expiry.isoformat()}" if label.expiry else ""))
    return lines


def render_zpl(label: LotLabel) -> str:
    """ZPL II for a 4x2 inch Zebra label: GS1-128 (FNC1 via >8) with interpretation line, plus the text lines."""
    body = ">;>8" + "".join(_zpl_barcode_escape(part) if i % 2 == 0 else part
                            for i, part in enumerate(_split_fields(label)))
    lines = "".join(f"^FO30,{20 + 40 * i}^A0N,32,32^FH^FD{_zpl_escape(t)}^FS" for i, t in enumerate(_text_lines(label)))
    return (f"^XA^CI28^PW812^LL406{lines}"
            f"^FO30,150^BY2,3,160^BCN,160,Y,N,N,D^FH^FD{body}^FS^XZ")


def _zpl_escape(value: str) -> str:
    """Field data under ^FH: `_` `^` `~` as hex escapes, so no value can end the field or start a command."""
    return value.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def _zpl_barcode_escape(value: str) -> str:
    """Code 128 field data: as _zpl_escape, and a literal `>` as `><` (a bare `>` is an invocation code)."""
    return _zpl_escape(value).replace(">", "><")


def _split_fields(label: LotLabel) -> list[str]:
    """The element string as [AI+value, separator, AI+value, ...], the separators being ZPL's FNC1 `>8`."""
    parts, fields = [], label.fields()
    for i, (ai, value) in enumerate(fields):
        if parts:
            parts.append(">8" if fields[i - 1][0] in ("10", "240", "21", "30") else "")
        parts.append(ai + value)
    return parts


def render_png(label: LotLabel, dpi: int = 300) -> bytes:
    """PNG: text lines above a GS1-128 symbol with its human-readable line."""
    from barcode import Gs1_128
    from barcode.writer import ImageWriter

    buf = io.BytesIO()
    Gs1_128(label.element_string(separator=FNC1), writer=ImageWriter()).write(
        buf, options={"module_width": 0.3, "module_height": 12, "quiet_zone": 6, "dpi": dpi, "font_size": 8},
        text=label.hri(),
    )
    return text_above_png(buf.getvalue(), _text_lines(label), dpi)


def text_above_png(symbol_png: bytes, lines: list[str], dpi: int) -> bytes:
    """A label page: `lines` of text above a rendered barcode symbol (lot and pallet labels alike)."""
    from PIL import Image, ImageDraw, ImageFont

    symbol = Image.open(io.BytesIO(symbol_png)).convert("RGB")
    font = ImageFont.load_default(size=36)
    head = 20 + 48 * len(lines)
    page = Image.new("RGB", (symbol.width, symbol.height + head), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((40, 14 + 48 * i), line, fill="black", font=font)
    page.paste(symbol, (0, head))
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def render_svg(label: LotLabel) -> bytes:
    """SVG: the same layout as the PNG, the symbol nested as its own <svg>."""
    from barcode import Gs1_128
    from barcode.writer import SVGWriter

    buf = io.BytesIO()
    Gs1_128(label.element_string(separator=FNC1), writer=SVGWriter()).write(
        buf, options={"module_width": 0.3, "module_height": 12, "quiet_zone": 6, "font_size": 8}, text=label.hri())
    return text_above_svg(buf.getvalue().decode(), _text_lines(label), top=20, height=50)


def text_above_svg(symbol_svg: str, lines: list[str], *, top: int, height: int) -> bytes:
    """A 110 mm wide SVG label: `lines` of text (escaped) above the symbol, nested as its own <svg> at `top` mm."""
    from xml.sax.saxutils import escape

    symbol = symbol_svg[symbol_svg.index("<svg"):]
    text = "".join(f'<text x="4" y="{6 + 6 * i}" font-size="4.5" font-family="sans-serif">{escape(t)}</text>'
                   for i, t in enumerate(lines))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="110mm" '
            f'height="{height}mm" viewBox="0 0 110 {height}">{text}<g transform="translate(0,{top})">{symbol}</g>'
            f'</svg>').encode()


def render_qr(label: LotLabel, kind: str = "png") -> bytes:
    """QR (segno) with the same GS1 content in FNC1 mode, for scanners that read 2D codes."""
    import segno

    qr = segno.make_qr(label.element_string(separator="\x1d"), error="m")
    out = io.BytesIO()
    qr.save(out, kind=kind, scale=8, border=4)
    return out.getvalue()


def render(label: LotLabel, fmt: str) -> bytes:
    """The label in one of FORMATS."""
    if fmt == "zpl":
        return render_zpl(label).encode()
    if fmt == "png":
        return render_png(label)
    if fmt == "svg":
        return render_svg(label)
    if fmt in ("qr-png", "qr-svg"):
        return render_qr(label, fmt.removeprefix("qr-"))
    raise LinesideError("Unknown label format {fmt}", fmt=fmt)


def send_to_printer(payload: bytes, printer: str, timeout: float = 5.0) -> None:
    """Send raw ZPL to a printer's TCP port (HOST:PORT, port 9100 by default)."""
    host, _, port = printer.rpartition(":") if ":" in printer else (printer, "", "9100")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as conn:
            conn.sendall(payload)
    except OSError as exc:
        raise LinesideError("Printer {printer} did not answer: {error}", printer=printer, error=exc) from exc


def print_lot_label(db: Database, actor: Actor, lot: str, *, sku: str | None = None, printer: str | None = None,
                    folder: Path | None = None) -> str:
    """Print a lot label: ZPL to the configured printer, else a ZPL file in `folder`; returns where it went."""
    label = lot_label(db, actor, lot, sku)
    payload = render_zpl(label).encode()
    if printer:
        send_to_printer(payload, printer)
        return printer
    folder = folder or Path.cwd()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{label.sku}_{label.lot or 'nolot'}.zpl".replace("/", "_")
    path.write_bytes(payload)
    return str(path)
