"""The default terminal id: `host:tty` locally, `ssh:<client address>:<tty>` in an OpenSSH session with a pty;
LINESIDE_TERMINAL always wins."""

from __future__ import annotations

import socket

import pytest

from core.config import _default_terminal, load_settings

_SSH = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "LINESIDE_TERMINAL")


@pytest.fixture(autouse=True)
def _no_ssh(monkeypatch, tmp_path):
    for key in _SSH:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LINESIDE_HOME", str(tmp_path))  # no lineside.toml of the machine's


def test_an_ssh_session_is_named_by_its_client_and_pty(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.20.30.41 51234 10.20.0.5 22")
    monkeypatch.setenv("SSH_CLIENT", "10.20.30.41 51234 22")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/7")
    assert _default_terminal() == "ssh:10.20.30.41:pts/7"
    assert load_settings().terminal == "ssh:10.20.30.41:pts/7"


def test_ssh_client_alone_is_enough(monkeypatch):
    """Older OpenSSH (and some servers) set only SSH_CLIENT."""
    monkeypatch.setenv("SSH_CLIENT", "fe80::1%eth0 40000 22")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/12")
    assert _default_terminal() == "ssh:fe80::1%eth0:pts/12"


def test_two_thin_clients_get_two_ids(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.7 50000 10.0.0.1 22")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/1")
    first = _default_terminal()
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.8 50001 10.0.0.1 22")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/2")
    assert first != _default_terminal()


def test_ssh_without_a_pty_is_not_an_ssh_terminal(monkeypatch):
    """`ssh -T` (or a command run over SSH) has no SSH_TTY: the id falls back to the host's."""
    monkeypatch.setenv("SSH_CONNECTION", "10.20.30.41 51234 10.20.0.5 22")
    host = socket.gethostname() or "host"
    assert _default_terminal().startswith(f"{host}:")


def test_local_terminal_is_host_and_tty():
    assert _default_terminal().startswith(f"{socket.gethostname() or 'host'}:")
    assert not _default_terminal().startswith("ssh:")


def test_lineside_terminal_wins_over_ssh(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.20.30.41 51234 10.20.0.5 22")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/7")
    monkeypatch.setenv("LINESIDE_TERMINAL", "DOCK-GUN-3")
    assert load_settings().terminal == "DOCK-GUN-3"


def test_the_id_fits_the_narrowest_terminal_column_with_a_prefix(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "2001:0db8:85a3:0000:0000:8a2e:0370:7334%verylonginterface 1 ::1 22")
    monkeypatch.setenv("SSH_TTY", "/dev/pts/100")
    assert len("relay:" + _default_terminal()) <= 64
