"""The fixed words are one list each: the models' CHECK constraints are built from the StrEnums in core."""

import pytest

from core.models import Base
from core.services.ledger import Leg, validate
from core.vocabulary import LocationKind, QcStatus, StockStatus, Tracking, WorkOrderState

CHECKED = [("location", "kind", LocationKind), ("item", "tracking", Tracking), ("lot", "qc_status", QcStatus),
           ("stock_balance", "status", StockStatus), ("work_order", "status", WorkOrderState)]


@pytest.mark.parametrize(("table", "column", "words"), CHECKED)
def test_check_constraint_lists_exactly_the_enum(table, column, words):
    checks = [str(c.sqltext) for c in Base.metadata.tables[table].constraints
              if c.__class__.__name__ == "CheckConstraint" and str(c.sqltext).startswith(f"{column} IN ")]
    assert checks == [f"{column} IN {tuple(w.value for w in words)}"]


def test_members_are_their_database_values():
    assert StockStatus.QC_HOLD == "qc_hold" and f"{LocationKind.LINE_SIDE}" == "line_side"


def test_the_ledger_refuses_a_status_it_does_not_know():
    with pytest.raises(ValueError, match="unknown stock status"):
        validate([Leg(1, None, 1, to_location_id=1, to_status="availble")])
