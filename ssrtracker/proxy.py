"""The client's address, behind the reverse proxies we trust (``TRUSTED_PROXIES``).

Behind a proxy every request comes from the proxy: ``REMOTE_ADDR`` is the proxy's address, and
the client's is in ``X-Forwarded-For``, which each proxy extends with the address it received
the request from (``client, proxy1, proxy2``). But any client can send that header too, with
whatever it likes in it. So the header is read only when the request comes from a trusted proxy,
and from the right, where the trusted proxies wrote: each address that is itself a trusted proxy
is skipped, and the first one that is not is the client. What lies to its left was written by
the client and is never looked at.

With ``TRUSTED_PROXIES`` empty (the default) the header is ignored and the client is
``REMOTE_ADDR``. The login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``), the API rate
limits, the refused-token back-off and the security log all count by :func:`client_ip`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str], name: str = "TRUSTED_PROXIES") -> tuple[Network, ...]:
    """Addresses (``10.0.0.5``) and networks (``172.31.250.0/24``) as networks; anything else
    raises ImproperlyConfigured naming the variable."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} holds {value!r}, which is neither an IP address nor a network "
                "such as 172.31.250.0/24."
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _address(text: str | None) -> Address | None:
    """One address as a proxy writes it, or None when it is not one."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped  # ::ffff:192.0.2.1 is 192.0.2.1
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip_from(meta: Mapping[str, Any], networks: tuple[Network, ...]) -> str | None:
    """The client's address from a request's ``META``, trusting the proxies in ``networks``."""
    remote = meta.get("REMOTE_ADDR") or None
    current = _address(remote)
    if current is None or not _trusted(current, networks):
        return remote
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    for hop in reversed(forwarded.split(",")):
        if not hop.strip():
            continue
        address = _address(hop)
        if address is None:
            # A trusted proxy wrote something that is not an address: stop at the last one we
            # know, so that nothing further left (the client's own writing) is believed.
            break
        current = address
        if not _trusted(current, networks):
            break
    # The first untrusted hop from the right, or, when every hop is a trusted proxy (a request
    # from inside), the farthest of them.
    return str(current)


def client_ip(request: Any) -> str | None:
    """The address of the client that sent ``request`` (a Django or REST framework request):
    ``REMOTE_ADDR``, or behind trusted proxies the address they received it from."""
    return client_ip_from(request.META, trusted_networks())
