"""Lot labels decoded by a real decoder (zxing-cpp), and ZPL received by a listener on a loopback port."""

import io
import socket
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from core.errors import LinesideError
from core.scan import parse_gs1
from core.services import labels
from core.services.receiving import ReceiveCommand, receive
from tests import helpers


@pytest.fixture
def lot(db, clerk):
    helpers.small_site(db)
    helpers.exec_sql(db, "UPDATE item SET gtin = '6950001000018', shelf_life_days = 400 WHERE sku = 'IC-1'")
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    receive(db, clerk, ReceiveCommand(key="r1", sku="IC-1", lot="ABC-7", qty=Decimal(250), supplier="SUP-1"))
    return labels.lot_label(db, clerk, "ABC-7")


def test_png_decodes_to_the_gs1_string(lot):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(labels.render_png(lot))))
    assert len(results) == 1
    assert results[0].content_type == zxingcpp.ContentType.GS1
    exp = lot.expiry.strftime("%y%m%d")
    assert results[0].text == f"(01)06950001000018(10)ABC-7(17){exp}(30)250"


def test_item_without_gtin_uses_ai_240(db, clerk):
    helpers.small_site(db)
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    receive(db, clerk, ReceiveCommand(key="r1", sku="IC-1", lot="NOG-1", qty=Decimal(5), supplier="SUP-1"))
    label = labels.lot_label(db, clerk, "NOG-1")
    text = zxingcpp.read_barcodes(Image.open(io.BytesIO(labels.render_png(label))))[0].text
    assert text == "(240)IC-1(10)NOG-1(30)5"


def test_qr_carries_the_same_content(lot):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(labels.render_qr(lot, "png"))))
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    raw = results[0].bytes.decode()
    assert raw == lot.element_string()
    scanned = parse_gs1(raw)  # what a 2D scanner types is what our scan field reads back
    assert (scanned.gtin, scanned.lot, scanned.expiry, scanned.qty) == ("06950001000018", "ABC-7", lot.expiry, 250)


def test_svg_is_well_formed_and_names_the_item(lot):
    from xml.etree import ElementTree

    root = ElementTree.fromstring(labels.render_svg(lot))
    assert "Timer IC" in "".join(root.itertext())


def test_zpl_reaches_a_printer_port(db, clerk, lot):
    received = bytearray()
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def listen():
        conn, _ = server.accept()
        with conn:
            while chunk := conn.recv(4096):
                received.extend(chunk)

    t = threading.Thread(target=listen)
    t.start()
    where = labels.print_lot_label(db, clerk, "ABC-7", printer=f"127.0.0.1:{port}")
    t.join(5)
    server.close()
    zpl = received.decode()
    assert where == f"127.0.0.1:{port}"
    assert zpl.startswith("^XA") and zpl.endswith("^XZ")
    assert ">;>801069500010000181" in zpl and "0ABC-7>817" in zpl


def test_unreachable_printer_is_a_clear_error(db, clerk, lot):
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with pytest.raises(LinesideError, match="did not answer"):
        labels.print_lot_label(db, clerk, "ABC-7", printer=f"127.0.0.1:{port}")


def test_label_file_when_no_printer(db, clerk, lot, tmp_path):
    path = labels.print_lot_label(db, clerk, "ABC-7", folder=tmp_path)
    assert Path(path).read_text().startswith("^XA")


def _zpl_commands(zpl: str) -> list[str]:
    """The ZPL command names in order (^XA, ^FO, ...): what a printer would execute."""
    import re

    return re.findall(r"[\^~][A-Z@][A-Z0-9]?", zpl)


def test_a_lot_cannot_break_out_of_the_zpl_field(db, clerk):
    helpers.small_site(db)
    hostile = "Z1^FS^FO0,0^A0N,99,99^FDPWNED^FS^XZ"  # a legacy lot, from before lots were checked at receiving
    helpers.exec_sql(db, "INSERT INTO lot (item_id, lot_no) SELECT id, :lot FROM item WHERE sku = 'IC-1'", lot=hostile)
    plain = labels.LotLabel("IC-1", "Timer IC", "PLAIN", None, Decimal(5), "EA", None)
    label = labels.lot_label(db, clerk, hostile)
    zpl = labels.render_zpl(label)
    assert _zpl_commands(zpl) == _zpl_commands(labels.render_zpl(plain))  # no command added by the lot
    assert zpl.count("^XZ") == 1 and "^FDPWNED" not in zpl
    assert "Z1_5EFS_5EFO0,0_5EA0N,99,99_5EFDPWNED_5EFS_5EXZ" in zpl


def test_zpl_barcode_data_escapes_the_code128_invocation_sign():
    label = labels.LotLabel("A_1~", "N", "L>1<", None, Decimal(3), "EA", None)
    zpl = labels.render_zpl(label)
    assert "^FH^FD>;>8240A_5F1_7E>810L><1<>8303^FS" in zpl
