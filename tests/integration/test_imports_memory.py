"""A large file is streamed: peak memory of an import does not grow with the file (once 722 MB for 3.44M rows).

Each import runs in a fresh subprocess that reports its own peak RSS (resource.getrusage); a 300,000-row
suppliers file, every third row bad, with --rejects, must peak within a few MB of a 10,000-row one.
"""

import json
import subprocess
import sys
from pathlib import Path

from tests import helpers

CHILD = """
import json, resource, sys
from pathlib import Path
from core.db import Database
from core.services.auth import system_actor
from core.services.imports import run_import
db = Database(sys.argv[1])
s = run_import(db, system_actor(db, "MEM"), "suppliers", Path(sys.argv[2]), dry_run=True, rejects=Path(sys.argv[3]))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": s.rows, "rejected": s.rejected, "rss_kb": peak}))
"""


def _file(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("code,name\n")
        for g in range(rows):
            fh.write(f"S{g:07d},\n" if g % 3 == 0 else f"S{g:07d},Supplier number {g} with a longer name\n")
    return path


def _peak(db_url: str, tmp_path: Path, rows: int) -> dict:
    src = _file(tmp_path / f"s{rows}.csv", rows)
    out = subprocess.run([sys.executable, "-c", CHILD, db_url, str(src), str(tmp_path / f"r{rows}.csv")],
                         capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_peak_memory_does_not_grow_with_the_file(db, db_url, tmp_path):
    small = _peak(db_url, tmp_path, 10_000)
    large = _peak(db_url, tmp_path, 300_000)
    assert (small["rows"], large["rows"], large["rejected"]) == (10_000, 300_000, 100_000)
    assert sum(1 for _ in (tmp_path / "r300000.csv").open()) == 100_001
    growth_mb = (large["rss_kb"] - small["rss_kb"]) / 1024
    assert growth_mb < 25, f"peak RSS grew by {growth_mb:.0f} MB from 10k to 300k rows"
    assert helpers.scalar(db, "SELECT count(*) FROM supplier") == 0  # a dry run
