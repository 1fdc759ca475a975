"""Backup and restore on the embedded server, as real `lineside` processes with no URL set: the demo factory
backed up, restored into another home whose database was auto-migrated (empty), and into its own home after its
pgdata was lost (the anchors file still there); `check` passes on both and the stock is the same."""

import json
import shutil
import subprocess

import pytest

from tests.integration.test_embedded import LINESIDE, _env, _postmaster_pid, _wait_stopped

ADMIN = {"LINESIDE_BADGE": "A001", "LINESIDE_PIN": "4444"}  # core/demo_data/operators.csv


def run(home, *args, **extra) -> subprocess.CompletedProcess:
    done = subprocess.run([LINESIDE, *args], env=_env(home, **extra), capture_output=True, text=True, timeout=300)
    _wait_stopped(_postmaster_pid(home))  # the only process: its server stops with it
    return done


def ok(home, *args, **extra) -> str:
    done = run(home, *args, **extra)
    if done.returncode:
        print(done.stderr)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


@pytest.mark.embedded
def test_embedded_round_trip_into_a_migrated_home_and_into_its_own_home(tmp_path):
    plant, other, file = tmp_path / "plant", tmp_path / "other", tmp_path / "plant.dump"
    ok(plant, "demo")
    ok(plant, "audit", "anchor")
    stock = json.loads(ok(plant, "stock", "--json"))
    assert stock
    done = json.loads(ok(plant, "backup", str(file), "--json", **ADMIN))
    assert done["database"] == "lineside" and "pginstall" in done["pg_dump"]  # the embedded server's own pg_dump
    ok(plant, "audit", "anchor")

    assert json.loads(ok(other, "db", "current", "--json"))["revision"]  # migrated on start, empty
    restored = json.loads(ok(other, "restore", str(file), "--yes", "--json", **ADMIN))
    assert restored["database"] == "lineside"
    assert json.loads(ok(other, "check", "--json"))["ok"] is True
    assert json.loads(ok(other, "stock", "--json")) == stock
    refused = run(other, "restore", str(file), "--yes")
    assert refused.returncode == 1 and "holds data" in refused.stderr

    shutil.rmtree(plant / "pgdata")  # the disk died; the anchors file (copied off the machine) came back
    assert (plant / "audit-anchors.jsonl").exists()
    ok(plant, "restore", str(file), "--yes")
    report = json.loads(ok(plant, "check", "--json"))
    assert report["ok"] is True, report
    assert json.loads(ok(plant, "stock", "--json")) == stock
