"""The client's address for rate limits, honest behind a reverse proxy.

OSKUS_TRUSTED_PROXIES lists the addresses or networks (CIDR) of the reverse proxies in front of the site.
Only when the connection comes from one of them is X-Forwarded-For read, from the right, skipping trusted
proxies: the first address that is not a trusted proxy is the client (entries further left were written by
the client and are never believed). Without the setting, REMOTE_ADDR is the client and the header is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def trusted_networks() -> tuple:
    return _networks(tuple(getattr(settings, "OSKUS_TRUSTED_PROXIES", ()) or ()))


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str:
    """The client address: REMOTE_ADDR, or behind a trusted proxy the nearest untrusted X-Forwarded-For entry.

    Guarantees that a client not connecting through a trusted proxy cannot choose its address, and that a
    malformed header falls back to the connecting proxy's address. Returns "" when nothing is known.
    """
    remote_raw = request.META.get("REMOTE_ADDR", "") or ""
    remote = _address(remote_raw)
    networks = trusted_networks()
    if remote is None or not networks or not _trusted(remote, networks):
        return remote_raw
    client = remote
    for entry in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:
            return str(remote)
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
