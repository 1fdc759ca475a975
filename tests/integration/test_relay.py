"""The outbox relay against the real RabbitMQ on this machine (skipped with a reason when none answers)."""

import json
import shutil
import subprocess
import threading
import time
import uuid
from decimal import Decimal

import pytest

from core.services import relay
from core.services.receiving import ReceiveCommand, receive
from tests import helpers
from tests.helpers import AMQP_URL

# Every broker test runs in one xdist worker (--dist loadgroup): one of them restarts the broker.
pytestmark = [pytest.mark.skipif(not helpers.broker_up(), reason="no RabbitMQ broker on 127.0.0.1:5672"),
              pytest.mark.xdist_group("rabbitmq")]


@pytest.fixture
def queue():
    """A private queue bound to every event type on lineside.events."""
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    ch = conn.channel()
    ch.exchange_declare(relay.EXCHANGE, exchange_type="topic", durable=True)
    name = f"test.{uuid.uuid4().hex[:8]}"
    ch.queue_declare(name, exclusive=True)
    ch.queue_bind(name, relay.EXCHANGE, routing_key="#")
    yield ch, name
    conn.close()


def _drain(ch, name):
    out = []
    while True:
        method, props, body = ch.basic_get(name, auto_ack=True)
        if method is None:
            return out
        out.append((method.routing_key, props, json.loads(body)))


def _receipts(db, clerk, n):
    helpers.small_site(db)
    helpers.exec_sql(db, "INSERT INTO supplier (code, name) VALUES ('SUP-1', 'S')")
    for i in range(n):
        receive(db, clerk, ReceiveCommand(key=f"r{i}", sku="IC-1", lot=f"LOT-{i}", qty=Decimal(1), supplier="SUP-1"))


def test_once_publishes_every_event_with_the_contract_properties(db, clerk, queue):
    ch, name = queue
    _receipts(db, clerk, 3)
    stats = relay.run(db, AMQP_URL, once=True)
    assert stats.published == 3
    msgs = _drain(ch, name)
    assert [m[0] for m in msgs] == ["receipt.posted"] * 3
    ids = helpers.rows(db, "SELECT event_id FROM outbox ORDER BY id")
    for (key, props, body), (event_id,) in zip(msgs, ids, strict=True):
        assert props.message_id == str(event_id) == body["id"]
        assert props.delivery_mode == 2 and props.content_type == "application/json"
        assert set(body) == {"id", "type", "occurred_at", "warehouse", "data"} and body["type"] == key
    assert [m[2]["data"]["lot"] for m in msgs] == ["LOT-0", "LOT-1", "LOT-2"]
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    assert relay.run(db, AMQP_URL, once=True).published == 0  # nothing published twice


def test_broker_down_leaves_events_waiting(db, clerk):
    _receipts(db, clerk, 1)
    with pytest.raises(Exception):  # noqa: B017 — pika's connection error type varies by version
        relay.run(db, "amqp://guest:guest@127.0.0.1:1/%2F", once=True)
    assert helpers.scalar(db, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 1


def test_two_relays_never_publish_an_event_twice(db, clerk, queue):
    ch, name = queue
    _receipts(db, clerk, 40)
    threads = [threading.Thread(target=relay.run, args=(db, AMQP_URL), kwargs={"once": True}) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [m[2]["id"] for m in _drain(ch, name)]
    assert len(ids) == 40 and len(set(ids)) == 40


def test_a_consumer_drops_duplicates_by_message_id(db, clerk, queue):
    ch, name = queue
    _receipts(db, clerk, 2)
    relay.run(db, AMQP_URL, once=True)
    helpers.exec_sql(db, "UPDATE outbox SET published_at = NULL")  # as after a crash before the mark committed
    relay.run(db, AMQP_URL, once=True)
    msgs = _drain(ch, name)
    assert len(msgs) == 4  # at least once
    seen, applied = set(), []
    for _, props, body in msgs:
        if props.message_id not in seen:
            seen.add(props.message_id)
            applied.append(body["data"]["lot"])
    assert applied == ["LOT-0", "LOT-1"]


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="rabbitmqctl not on this machine")
def test_relay_survives_a_broker_restart(db, clerk):
    import pika

    name = f"test.restart.{uuid.uuid4().hex[:8]}"
    conn = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    ch = conn.channel()
    ch.exchange_declare(relay.EXCHANGE, exchange_type="topic", durable=True)
    ch.queue_declare(name, durable=True)  # survives the restart, unlike an exclusive queue
    ch.queue_bind(name, relay.EXCHANGE, routing_key="#")
    conn.close()
    _receipts(db, clerk, 3)
    stop, result = threading.Event(), {}
    worker = threading.Thread(target=lambda: result.update(stats=relay.run(db, AMQP_URL, stop=stop.is_set,
                                                                           idle_wait=0.2)))
    worker.start()
    try:
        _wait_published(db)
        subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True, timeout=60)
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True, timeout=60)
        for i in range(3, 6):
            receive(db, clerk, ReceiveCommand(key=f"r{i}", sku="IC-1", lot=f"LOT-{i}", qty=Decimal(1),
                                              supplier="SUP-1"))
        _wait_published(db, timeout=60)
    finally:
        stop.set()
        worker.join(30)
    assert result["stats"].reconnects >= 1
    conn = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    ch = conn.channel()
    lots = sorted({m[2]["data"]["lot"] for m in _drain(ch, name)})
    ch.queue_delete(name)
    conn.close()
    assert lots == [f"LOT-{i}" for i in range(6)]  # nothing lost across the restart


def _wait_published(db, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while helpers.scalar(db, "SELECT count(*) FROM outbox WHERE published_at IS NULL"):
        assert time.monotonic() < deadline, "events still waiting in the outbox"
        time.sleep(0.2)


def test_a_running_relay_anchors_the_audit_chain_and_publishes_it(db, clerk, queue, tmp_path):
    from core.services.anchors import Periodic

    ch, name = queue
    _receipts(db, clerk, 2)
    path = tmp_path / "audit-anchors.jsonl"
    anchoring = Periodic(db, 0.002, home=tmp_path)  # every 0.12 s
    deadline = time.monotonic() + 20
    published = []

    def stop():
        published.extend(m for m in _drain(ch, name) if m[0] == "audit.anchored")
        return bool(published) or time.monotonic() > deadline

    relay.run(db, AMQP_URL, stop=stop, idle_wait=0.05, anchoring=anchoring)
    (line,) = [json.loads(x) for x in path.read_text().splitlines()]
    assert published[0][2]["data"]["seq"] == line["seq"] == helpers.scalar(db, "SELECT last_id FROM audit_head")
