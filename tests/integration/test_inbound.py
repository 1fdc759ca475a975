"""Orders from the ERP over the real RabbitMQ: applied once, refused ones dead-lettered with the reason."""

import json

import pytest

from core.services import inbound
from core.services.demo import load_demo
from tests import helpers
from tests.helpers import AMQP_URL

pytestmark = [pytest.mark.skipif(not helpers.broker_up(), reason="no RabbitMQ broker on 127.0.0.1:5672"),
              pytest.mark.xdist_group("rabbitmq")]


@pytest.fixture
def channel():
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    ch = conn.channel()
    inbound.declare(ch)
    ch.queue_purge(inbound.QUEUE)
    ch.queue_purge(inbound.DEAD)
    yield ch
    conn.close()


def _send(ch, message_id, body):
    import pika

    ch.basic_publish("", inbound.QUEUE, body if isinstance(body, bytes) else json.dumps(body).encode(),
                     pika.BasicProperties(message_id=message_id, delivery_mode=2, content_type="application/json"))


def test_apply_duplicate_and_dead_letter(db, system, channel):
    load_demo(db, system)
    good = {"kind": "work-orders", "rows": [{"wo_number": "WO-7001", "sku": "PCBA-100", "qty": 25,
                                             "due_date": "2026-12-20", "line": "L1"}]}
    _send(channel, "erp-1", good)
    _send(channel, "erp-1", good)  # redelivered: one effect
    _send(channel, "erp-2", {"kind": "work-orders", "rows": [{"wo_number": "WO-7002", "sku": "NOPE", "qty": 1,
                                                              "due_date": "2026-12-20", "line": "L1"},
                                                             {"wo_number": "WO-7003", "sku": "PCBA-100", "qty": 1,
                                                              "due_date": "2026-12-20", "line": "L1"}]})
    _send(channel, "erp-3", b"{not json")
    _send(channel, "erp-4", {"kind": "planets", "rows": []})
    stats = inbound.consume(db, system, AMQP_URL, once=True)
    assert (stats.applied, stats.duplicates, stats.dead) == (1, 1, 3)
    assert helpers.rows(db, "SELECT wo_number, qty FROM work_order WHERE wo_number LIKE 'WO-7%'") == [("WO-7001", 25)]
    dead = []
    while True:
        method, props, body = channel.basic_get(inbound.DEAD, auto_ack=True)
        if method is None:
            break
        dead.append((props.message_id, props.headers["x-lineside-reason"]))
    assert [d[0] for d in dead] == ["erp-2", "erp-3", "erp-4"]
    assert "row 1 sku: Unknown SKU: NOPE" in dead[0][1]  # never half-applied: WO-7003 is not there either
    assert helpers.scalar(db, "SELECT count(*) FROM inbound_message") == 4
