"""Electronic signatures (21 CFR 11.50, 11.200): the acting operator's PIN under a meaning, on QC, counts, recall."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.errors import AuthFailed, PermissionDenied, SignatureLocked, SignatureRefused
from core.i18n import set_language
from core.services import auth, counting, qc, recall, signatures
from core.services.ledger import Leg, post_moves
from core.services.signatures import Meaning
from tests import helpers

D = Decimal
# what a refused signature must leave untouched besides its own failure (the operator's count and the audit row)
WRITTEN = ("SELECT (SELECT count(*) FROM movement), (SELECT count(*) FROM operation), (SELECT count(*) FROM outbox),"
           " (SELECT md5(string_agg(b::text, ',' ORDER BY b::text)) FROM stock_balance b),"
           " (SELECT md5(string_agg(l::text, ',' ORDER BY l::text)) FROM lot l),"
           " (SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY c::text), '')) FROM count_line c)")


def written(db):
    return helpers.rows(db, WRITTEN)[0]


def audit(db, action):
    return helpers.rows(db, "SELECT badge, entity_key, reason, new FROM audit_log WHERE action = :a ORDER BY id",
                        a=action)


def failures(db, badge):
    return helpers.scalar(db, "SELECT failed_attempts FROM operator WHERE badge = :b", b=badge)


@pytest.fixture
def held(db, system):
    """IC-1 lot L2 (40 in A-02) on QC hold."""
    ids = helpers.small_site(db)
    helpers.put_stock(db, system, "IC-1", "L2", "A-02", 40, expiry="2030-06-01")
    lot_id = helpers.scalar(db, "SELECT id FROM lot WHERE lot_no = 'L2'")
    post_moves(db, system, "status", [Leg(ids["IC"], lot_id, D(40), ids["A-02"], "available", ids["A-02"],
                                          "qc_hold")], key="hold")
    return ids


def test_the_right_pin_signs_and_only_the_operation_is_audited(db, inspector):
    before = datetime.now(UTC)
    sig = signatures.verify(db, inspector, "1234", Meaning.RELEASED)
    assert (sig.operator_id, sig.badge, sig.name, sig.meaning) == (inspector.operator_id, "Q900", "Operator Q900",
                                                                   Meaning.RELEASED)
    assert before <= sig.signed_at <= datetime.now(UTC)
    assert sig.as_record() == {"signed_by": "Operator Q900", "badge": "Q900", "signed_at": sig.signed_at.isoformat(),
                               "meaning": "released"}
    assert audit(db, "operator.login") == []  # a signature is no sign-in: its operation's row records it
    with pytest.raises(Exception, match="Choose what the signature means"):
        signatures.verify(db, inspector, "1234", "blessed")


def test_a_wrong_pin_is_refused_audited_and_counts_toward_the_lockout(db, inspector):
    with pytest.raises(SignatureRefused) as refused:
        signatures.verify(db, inspector, "9999", Meaning.REJECTED)
    assert str(refused.value) == "Wrong PIN: not signed, nothing posted"
    set_language("zh_CN")
    assert str(refused.value) != "Wrong PIN: not signed, nothing posted" and "\n" not in str(refused.value)
    set_language("en")
    assert audit(db, "signature.failed") == [("Q900", "Q900", "wrong PIN", {"meaning": "rejected"})]
    assert failures(db, "Q900") == 1
    signatures.verify(db, inspector, "1234", Meaning.RELEASED)  # the right one, as a sign-in, clears the count
    assert failures(db, "Q900") == 0


def test_five_wrong_lock_the_badge_for_signing_and_signing_in_alike(db, inspector):
    for _ in range(2):  # failures at sign-in and at signing are one count
        with pytest.raises(AuthFailed):
            auth.login(db, "Q900", "0000", "T-TEST")
    for _ in range(2):
        with pytest.raises(SignatureRefused):
            signatures.verify(db, inspector, "0000", Meaning.RELEASED)
    assert failures(db, "Q900") == 4
    with pytest.raises(SignatureLocked) as locked:
        signatures.verify(db, inspector, "0000", Meaning.RELEASED)
    assert str(locked.value) == "Badge Q900 is locked after too many wrong PINs: not signed"
    ((badge, _key, reason, new),) = audit(db, "operator.locked")
    assert badge == "Q900" and reason == "too many wrong PINs" and new["locked_until"]
    with pytest.raises(SignatureLocked):  # the right PIN does not sign while the badge is locked
        signatures.verify(db, inspector, "1234", Meaning.RELEASED)
    with pytest.raises(AuthFailed):
        auth.login(db, "Q900", "1234", "T-TEST")
    assert [r[2] for r in audit(db, "signature.failed")] == ["wrong PIN"] * 3 + ["badge locked"]
    # the lock lapses as a sign-in's does
    later = datetime.now(UTC) + timedelta(minutes=auth.LOCK_MINUTES + 1)
    assert auth.check_pin(db, "Q900", "1234", "T-TEST", now=later, signing="released").badge == "Q900"


def test_qc_inspection_is_signed_released_or_rejected_and_a_bad_pin_writes_nothing(db, inspector, held):
    before = written(db)
    with pytest.raises(SignatureRefused):
        qc.inspect(db, inspector, key="q", lot="L2", passed=True, pin="4321")
    assert written(db) == before and audit(db, "qc.inspect") == []
    r = qc.inspect(db, inspector, key="q", lot="L2", passed=True, pin="1234")
    assert r.passed and r.qty == 40
    ((badge, key, _reason, new),) = audit(db, "qc.inspect")
    assert (badge, key) == ("Q900", "L2")
    assert {k: v for k, v in new["signature"].items() if k != "signed_at"} == {
        "signed_by": "Operator Q900", "badge": "Q900", "meaning": "released"}
    assert datetime.fromisoformat(new["signature"]["signed_at"]) <= datetime.now(UTC)
    # a retried confirmation is signed again and answered with the first result
    again = qc.inspect(db, inspector, key="q", lot="L2", passed=True, pin="1234")
    assert again == r and len(audit(db, "qc.inspect")) == 1


def test_a_failed_inspection_is_signed_rejected(db, inspector, held):
    qc.inspect(db, inspector, key="q", lot="L2", passed=False, reason="damaged", pin="1234")
    ((*_, new),) = audit(db, "qc.inspect")
    assert new["signature"]["meaning"] == "rejected" and new["status"] == "rejected"


def test_no_pin_is_asked_of_one_who_may_not_act(db, clerk, held):
    """A clerk's QC is refused for the role, before any PIN is checked: no failure counted against the badge."""
    with pytest.raises(PermissionDenied):
        qc.inspect(db, clerk, key="q", lot="L2", passed=True, pin="0000")
    assert failures(db, "C900") == 0 and audit(db, "signature.failed") == []


def test_a_locked_badge_posts_nothing_even_with_the_right_pin(db, inspector, held):
    helpers.exec_sql(db, "UPDATE operator SET locked_until = now() + interval '10 minutes' WHERE badge = 'Q900'")
    before = written(db)
    with pytest.raises(SignatureLocked):
        qc.inspect(db, inspector, key="q", lot="L2", passed=True, pin="1234")
    assert written(db) == before


@pytest.fixture
def variance(db, system, clerk, supervisor):
    """A count of IC-B in A-01 short by 20: it waits for a supervisor."""
    helpers.production_site(db)
    helpers.exec_sql(db, "UPDATE item SET abc = 'C' WHERE sku = 'IC-1'")
    helpers.put_stock(db, system, "IC-1", "IC-B", "A-01", 50, expiry="2030-02-01")
    counting.create_task(db, supervisor, "A-01")
    counting.record_count(db, clerk, key="c", location="A-01", lot="IC-B", qty=D(30))
    (line,) = counting.pending_lines(db, supervisor)
    return line


def test_a_count_approval_is_signed_approved(db, supervisor, variance):
    before = written(db)
    with pytest.raises(SignatureRefused):
        counting.decide(db, supervisor, key="d", line_id=variance.id, approve=True, reason="short", pin="1")
    assert written(db) == before
    counting.decide(db, supervisor, key="d", line_id=variance.id, approve=True, reason="short", pin="1234")
    ((badge, _key, reason, new),) = audit(db, "count.decide")
    assert (badge, reason, new["status"]) == ("S900", "short", "approved")
    assert (new["signature"]["signed_by"], new["signature"]["meaning"]) == ("Operator S900", "approved")


def test_a_recount_is_signed_rejected(db, supervisor, variance):
    counting.decide(db, supervisor, key="d", line_id=variance.id, approve=False, reason="again", pin="1234")
    ((*_, new),) = audit(db, "count.decide")
    assert (new["status"], new["signature"]["meaning"]) == ("recount", "rejected")


def test_a_recall_is_signed_recalled_and_a_bad_pin_blocks_nothing(db, clerk, supervisor, system):
    helpers.built_history(db, clerk, supervisor, system)
    before = written(db)
    with pytest.raises(SignatureRefused):
        recall.raise_recall(db, supervisor, key="r", lot="IC-B", reason="supplier notice", pin="12345")
    assert written(db) == before
    assert helpers.scalar(db, "SELECT count(*) FROM stock_balance WHERE status = 'blocked'") == 0
    r = recall.raise_recall(db, supervisor, key="r", lot="IC-B", reason="supplier notice", pin="1234")
    assert r.blocked_balances > 0
    ((badge, key, reason, new),) = audit(db, "recall")
    assert (badge, key, reason) == ("S900", "IC-B", "supplier notice")
    assert {k: new["signature"][k] for k in ("signed_by", "badge", "meaning")} == {
        "signed_by": "Operator S900", "badge": "S900", "meaning": "recalled"}
    event = helpers.scalar(db, "SELECT data FROM outbox WHERE type = 'recall.raised'")
    assert "signature" not in event  # the contract's event is unchanged
