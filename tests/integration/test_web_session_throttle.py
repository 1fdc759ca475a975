"""A browser tab's terminal id is new with every tab: failed sign-ins also count against the client's address,
so opening new tabs does not start the sign-in throttle afresh (console/web_session.py)."""

from __future__ import annotations

import pytest

from console.services import ConsoleServices
from console.web_session import WebConsoleServices, address_of
from core.config import settings
from core.errors import AuthFailed, SignInThrottled
from tests import helpers


def _fail_across_tabs(db, address: str, tabs: int, per_tab: int, services=WebConsoleServices) -> None:
    for n in range(tabs):
        tab = services.from_database(db, f"web:{address}:{n:08x}")
        for k in range(per_tab):
            with pytest.raises(AuthFailed):
                tab.login(f"NOBODY{n}{k}", "0000")


def test_failures_from_many_tabs_of_one_address_throttle_its_next_tab(db, clerk):
    limit = settings().login_failures_per_terminal
    _fail_across_tabs(db, "10.0.0.9", tabs=limit // 2, per_tab=2)
    new_tab = WebConsoleServices.from_database(db, "web:10.0.0.9:ffff0000")
    with pytest.raises(SignInThrottled):
        new_tab.login("C900", "1234")  # even the right PIN waits
    other_address = WebConsoleServices.from_database(db, "web:10.0.0.10:ffff0001")
    assert other_address.login("C900", "1234").actor.badge == "C900"
    assert helpers.scalar(db, "SELECT failures FROM login_throttle WHERE terminal = 'web:10.0.0.9'") == limit
    assert helpers.scalar(db, "SELECT max(failures) FROM login_throttle WHERE terminal LIKE 'web:10.0.0.9:%'") == 2


def test_without_it_a_new_tab_would_start_afresh(db, clerk):
    """What the address count is for: the per-terminal throttle alone does not see across tabs."""
    _fail_across_tabs(db, "10.0.0.9", tabs=settings().login_failures_per_terminal // 2, per_tab=2,
                      services=ConsoleServices)
    assert ConsoleServices.from_database(db, "web:10.0.0.9:ffff0000").login("C900", "1234").actor.badge == "C900"


def test_the_address_of_a_terminal_id():
    assert address_of("web:10.1.2.3:abcd1234") == "web:10.1.2.3"
    assert address_of("web:fe80::1:abcd1234") == "web:fe80::1"
