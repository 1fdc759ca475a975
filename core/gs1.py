"""biip, loaded when the first GS1 string is parsed, and without the GS1 company-prefix table.

`import biip` decodes a trie of every GS1 company prefix (a 128 KB lzma file that becomes ~80 MB of JSON objects
while it is read, ~12 MB kept). Lineside never asks which company a GTIN belongs to (`Gtin.company_prefix`), only
for the element strings, so the table is dropped as soon as biip is in, and the freed heap is handed back to the
OS: a console session holds ~12 MB less for as long as it runs. A session that never parses a GS1 string (a
supervisor reading KPIs) never loads biip at all.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import threading
from types import ModuleType

_lock = threading.Lock()
_loaded: tuple[ModuleType, type] | None = None


def _give_back_heap() -> None:
    """Return freed heap pages to the OS (glibc's malloc_trim); elsewhere nothing to do."""
    name = ctypes.util.find_library("c")
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(name).malloc_trim(0)


def biip_parts() -> tuple[ModuleType, type]:
    """(the `biip` module, `biip.gs1_messages.GS1Message`), imported once per process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                import biip
                import biip.gs1_prefixes
                from biip.gs1_messages import GS1Message

                biip.gs1_prefixes._GS1_COMPANY_PREFIX_TRIE = {}  # GS1CompanyPrefix.extract() then answers None
                gc.collect()
                _give_back_heap()
                _loaded = (biip, GS1Message)
    return _loaded
