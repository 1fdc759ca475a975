"""Shared by the import tests: where the sample files are, writing a small file, loading kinds in order."""

from __future__ import annotations

from pathlib import Path

from core.services.imports import run_import

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "samples"  # the contract's samples, beside the clone (locally and in CI)
BUNDLED = ROOT / "core" / "demo_data"  # the same files, shipped with the demo
SAMPLES = SHARED if SHARED.is_dir() else BUNDLED
MASTER = ("warehouses", "locations", "suppliers", "customers", "items", "operators", "stock")


def write(tmp_path: Path, name: str, content: str, *, bom: bool = False) -> Path:
    """A UTF-8 file in tmp_path (with a byte-order mark when `bom`)."""
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + content.encode("utf-8"))
    return path


def load(db, actor, *kinds: str) -> None:
    """Import the sample file of each kind, in the order given; every one must be clean."""
    for kind in kinds:
        summary = run_import(db, actor, kind, SAMPLES / f"{kind}.csv")
        assert not summary.errors, (kind, summary.errors)


def triples(summary) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in summary.errors]
