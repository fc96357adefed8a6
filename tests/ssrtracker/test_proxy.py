"""Behind a reverse proxy the app counts the client, not the proxy, and never believes an
``X-Forwarded-For`` that a client wrote (ssrtracker/proxy.py, ``TRUSTED_PROXIES``)."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from ssrtracker.api.throttling import TokenRateThrottle
from ssrtracker.proxy import client_ip, client_ip_from, parse_networks
from ssrtracker.security import client_address
from tests.ssrtracker.test_settings import run_manage

PROXY = "172.31.250.10"  # the compose network's proxy
PROXIES = ["172.31.250.0/24"]
PASSWORD = "correct horse battery staple"
LIMIT = 5  # AXES_FAILURE_LIMIT's default


def meta(remote: str, forwarded: str | None = None) -> dict[str, str]:
    data = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        data["HTTP_X_FORWARDED_FOR"] = forwarded
    return data


def resolve(remote: str, forwarded: str | None = None, trusted: list[str] = PROXIES) -> str | None:
    return client_ip_from(meta(remote, forwarded), parse_networks(trusted))


# --- resolving the address -------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored():
    assert resolve(PROXY, "198.51.100.7", trusted=[]) == PROXY


def test_a_spoofed_header_from_an_untrusted_address_is_ignored():
    assert resolve("203.0.113.9", "198.51.100.7") == "203.0.113.9"
    assert resolve("203.0.113.9", "172.31.250.10, 198.51.100.7") == "203.0.113.9"


def test_behind_the_trusted_proxy_the_client_is_the_address_it_received_from():
    assert resolve(PROXY, "198.51.100.7") == "198.51.100.7"


def test_a_trusted_chain_is_walked_from_the_right_and_the_client_writing_ignored():
    # The client wrote "1.2.3.4" itself; an outer balancer (10.0.0.2, trusted) and then the
    # compose proxy appended what they saw.
    trusted = [*PROXIES, "10.0.0.2"]
    chain = "1.2.3.4, 198.51.100.7, 10.0.0.2"
    assert resolve(PROXY, chain, trusted=trusted) == "198.51.100.7"
    # Without trusting the balancer, the balancer is the client.
    assert resolve(PROXY, chain) == "10.0.0.2"


def test_a_request_from_inside_is_the_farthest_trusted_hop():
    assert resolve(PROXY, "172.31.250.3") == "172.31.250.3"
    assert resolve(PROXY) == PROXY
    assert resolve(PROXY, " , ") == PROXY


def test_a_hop_that_is_not_an_address_stops_the_walk_at_the_last_trusted_one():
    assert resolve(PROXY, "198.51.100.7, unknown") == PROXY
    assert resolve(PROXY, "198.51.100.7, garbage, 172.31.250.4") == "172.31.250.4"


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.7:51234", "198.51.100.7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8::7", "2001:db8::7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_addresses_are_read_in_the_forms_proxies_write(forwarded, client):
    assert resolve(PROXY, forwarded) == client


def test_ipv6_proxies_and_mapped_addresses():
    assert resolve("::ffff:172.31.250.10", "198.51.100.7") == "198.51.100.7"
    assert resolve("fd00::2", "2001:db8::7", trusted=["fd00::/64"]) == "2001:db8::7"
    assert resolve("fd00::2", "2001:db8::7") == "fd00::2"


@pytest.mark.parametrize("value", ["proxy", "10.0.0.0/33", "300.1.1.1"])
def test_a_bad_trusted_proxy_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES holds"):
        parse_networks(["10.0.0.1", value])


def test_a_bad_trusted_proxy_stops_start_up_in_one_line():
    result = run_manage("check", DEBUG="1", TRUSTED_PROXIES="10.0.0.1,nginx")
    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: TRUSTED_PROXIES holds 'nginx'")
    assert "Traceback" not in result.stderr


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_the_setting_is_what_the_request_helpers_read():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == client_address(request) == "198.51.100.7"
    with override_settings(TRUSTED_PROXIES=[]):
        assert client_ip(request) == client_address(request) == PROXY


# --- the login lockout -----------------------------------------------------------------------


def _login(username: str, password: str, *, remote: str, forwarded: str | None = None):
    extra: dict[str, Any] = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return Client(REMOTE_ADDR=remote).post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        secure=True,
        **extra,
    )


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_lockout_counts_the_client_behind_a_trusted_proxy(staff_b):
    for attempt in range(LIMIT):
        _login(f"guess{attempt}", "wrong-password", remote=PROXY, forwarded="198.51.100.7")

    locked = _login(staff_b.username, PASSWORD, remote=PROXY, forwarded="198.51.100.7")
    neighbour = _login(staff_b.username, PASSWORD, remote=PROXY, forwarded="198.51.100.8")

    assert locked.status_code == 429
    # Everyone else behind the same proxy logs in: the proxy itself is not locked out.
    assert neighbour.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


@override_settings(TRUSTED_PROXIES=PROXIES)
def test_lockout_cannot_be_dodged_by_writing_x_forwarded_for(staff_b):
    # Straight to the app, not through the proxy: a new made-up address on every attempt.
    for attempt in range(LIMIT):
        _login(
            f"guess{attempt}", "wrong-password", remote="203.0.113.9", forwarded=f"10.1.1.{attempt}"
        )

    locked = _login(staff_b.username, PASSWORD, remote="203.0.113.9", forwarded="10.1.1.99")

    assert locked.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


# --- the API: rate limits and the refused-token back-off -------------------------------------


def _throttle_ident(**extra: str) -> str:
    request = Request(APIRequestFactory().get("/api/v1/requests/", **extra))
    return TokenRateThrottle().get_ident(request)


def test_throttle_ident_is_the_client_behind_a_trusted_proxy():
    with override_settings(TRUSTED_PROXIES=PROXIES):
        assert _throttle_ident(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7") == (
            "198.51.100.7"
        )
        assert _throttle_ident(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4") == (
            "203.0.113.9"
        )
    # REST framework's own would take the header's first address whenever NUM_PROXIES is unset.
    assert _throttle_ident(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7") == PROXY


@override_settings(
    TRUSTED_PROXIES=PROXIES, API_TOKEN_FAILURE_LIMIT=3, API_TOKEN_FAILURE_WINDOW_SECONDS=600
)
def test_refused_tokens_are_counted_by_the_client_behind_a_trusted_proxy(db):
    cache.clear()
    guesser = Client(
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        HTTP_AUTHORIZATION="Bearer ssrt_nope_guess",
    )
    for _ in range(3):
        assert guesser.get("/api/v1/requests/").status_code == 401

    assert guesser.get("/api/v1/requests/").status_code == 429
    neighbour = Client(
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.8",
        HTTP_AUTHORIZATION="Bearer ssrt_nope_guess",
    )
    assert neighbour.get("/api/v1/requests/").status_code == 401
