"""Dates an operator types or scans: only forms that cannot be read two ways.

ISO 8601 (`2028-12-31`, `20281231`) and the GS1 `YYMMDD` of AI 17 (`281231`, or the scan `(17)281231`; a day
`00` is the month's last day, as GS1 says). `31/12/28` could be three different dates, so anything with `/` or
`.` is refused rather than guessed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from core.errors import InvalidInput
from core.i18n import N_

_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{4})(\d{2})(\d{2})")
_GS1 = re.compile(r"(?:\(17\)|17)?(\d{2})(\d{2})(\d{2})")


def parse_date(value: str) -> date:
    """The one date a typed or scanned value means, or InvalidInput (ambiguous or impossible)."""
    typed = value.strip()
    try:
        if m := _ISO.fullmatch(typed):
            y, mo, d = (int(g) for g in (m.groups()[:3] if m.group(1) else m.groups()[3:]))
            return date(y, mo, d)
        if (m := _GS1.fullmatch(typed)) and not (len(typed) == 8 and typed.startswith("17")):
            y, mo, d = 2000 + int(m.group(1)), int(m.group(2)), int(m.group(3))
            return date(y, mo, d or calendar.monthrange(y, mo)[1])
    except ValueError:
        pass
    raise InvalidInput(N_("Not a date: {value} (type YYYY-MM-DD)"), value=typed)
