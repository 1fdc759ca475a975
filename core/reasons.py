"""Every reason list an operator chooses from: one enum per exception, codes recorded, labels translatable.

The console shows `choices()` numbered in list order; services validate with `require()`, so a reason that is
not on the list is refused in core whoever calls (console, CLI, ERP).
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidInput
from core.i18n import N_


class Reason(StrEnum):
    """A recorded reason code; `label` is the msgid the operator reads."""

    label: str

    def __new__(cls, code: str, label: str) -> Reason:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[Reason]:
        """The list in the order it is shown (1, 2, …)."""
        return list(cls)

    @classmethod
    def require(cls, value: str | None, what: str = N_("Choose a reason")) -> Reason:
        """The member for a code, or InvalidInput naming what is missing."""
        try:
            return cls(value)
        except ValueError:
            raise InvalidInput(what) from None

    @classmethod
    def by_number(cls, typed: str) -> Reason:
        """The member an operator's typed number (1-based) chooses, or InvalidInput."""
        typed = typed.strip()
        members = cls.choices()
        if not typed.isdigit() or not 1 <= int(typed) <= len(members):
            raise InvalidInput(N_("No choice {key}"), key=typed)
        return members[int(typed) - 1]


class ShortPickReason(Reason):
    NOT_FOUND = "not_found", N_("Not found in the bin")
    DAMAGED = "damaged", N_("Damaged")
    LESS = "less", N_("Less than the system says")
    OTHER = "other", N_("Other")


class PutawayOverrideReason(Reason):
    LOCATION_FULL = "location_full", N_("Location full")
    LOCATION_BLOCKED = "location_blocked", N_("Location blocked")
    DAMAGED_RACK = "damaged_rack", N_("Damaged rack")
    SUPERVISOR_INSTRUCTION = "supervisor_instruction", N_("Supervisor's instruction")
    OTHER = "other", N_("Other")


class QcFailReason(Reason):
    DAMAGED = "damaged", N_("Damaged")
    OUT_OF_SPEC = "out_of_spec", N_("Out of specification")
    WRONG_ITEM = "wrong_item", N_("Wrong item")
    CONTAMINATED = "contaminated", N_("Contaminated")
    MISSING_DOCUMENTS = "missing_documents", N_("Missing documents")
    EXPIRED = "expired", N_("Expired")


class OverReceiptReason(Reason):
    SUPPLIER_OVERDELIVERY = "supplier_overdelivery", N_("Supplier delivered more")
    FULL_PACKING_UNIT = "full_packing_unit", N_("Full packing unit")
    PRODUCTION_NEED = "production_need", N_("Needed for production")
    OTHER = "other", N_("Other")


class OverIssueReason(Reason):
    EXTRA_SCRAP = "extra_scrap", N_("Extra scrap on the line")
    DAMAGED = "damaged", N_("Damaged material")
    REWORK = "rework", N_("Rework")
    OTHER = "other", N_("Other")


class OverOutputReason(Reason):
    FULL_PANEL = "full_panel", N_("Full panel or batch")
    CUSTOMER_EXTRA = "customer_extra", N_("Customer needs more")
    SPARE_PARTS = "spare_parts", N_("Spares for service")
    OTHER = "other", N_("Other")


class ReturnReason(Reason):
    SURPLUS = "surplus", N_("Surplus")
    WRONG_MATERIAL = "wrong_material", N_("Wrong material")
    ORDER_CANCELLED = "order_cancelled", N_("Order cancelled")
    DAMAGED_PACKAGING = "damaged_packaging", N_("Damaged packaging")
    DAMAGED = "damaged", N_("Damaged")  # a return for this reason goes to quarantine, blocked
    OTHER = "other", N_("Other")


class Meaning(Reason):
    """What an electronic signature means (21 CFR 11.50): recorded as its code, shown as its label."""

    RELEASED = "released", N_("Released")
    REJECTED = "rejected", N_("Rejected")
    APPROVED = "approved", N_("Approved")
    SCRAPPED = "scrapped", N_("Scrapped")
    REWORK = "rework", N_("Sent to rework")
    USE_AS_IS = "use_as_is", N_("Used as is")
    RECALLED = "recalled", N_("Recalled")


class ScrapReason(Reason):
    SETUP = "setup", N_("Setup scrap")
    DEFECT = "defect", N_("Defective part")
    MATERIAL = "material", N_("Bad material")
    HANDLING = "handling", N_("Damaged in handling")
    MACHINE = "machine", N_("Machine fault")
    OTHER = "other", N_("Other")


class Disposition(Reason):
    """What quality decides for a nonconformance (the console's `1` `2` `3`)."""

    SCRAP = "scrap", N_("Scrap")
    REWORK = "rework", N_("Rework")
    USE_AS_IS = "use_as_is", N_("Use as is")


class UseAsIsReason(Reason):
    """Why a nonconforming lot may be used as it is (a `use_as_is` disposition records one)."""

    WITHIN_TOLERANCE = "within_tolerance", N_("Within tolerance after review")
    CUSTOMER_CONCESSION = "customer_concession", N_("Customer concession")
    COSMETIC = "cosmetic", N_("Cosmetic only")
    OTHER = "other", N_("Other")
