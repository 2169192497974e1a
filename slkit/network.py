"""The addresses a room can reach this machine at, read from its network interfaces.

A laptop's host name often maps to 127.0.1.1 or 127.0.0.1 (Debian, Ubuntu), so the address
must come from the interfaces themselves (psutil), without sending anything anywhere.

>>> choose_base("127.0.0.1", 8866, [])
('http://127.0.0.1:8866', True)
"""

from __future__ import annotations

import ipaddress


def room_addresses() -> list[str]:
    """This machine's IPv4 addresses other devices could reach (not loopback, not link-local),
    private LAN addresses first."""
    import socket

    import psutil

    found = set()
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family != socket.AF_INET:
                continue
            try:
                ip = ipaddress.ip_address(a.address)
            except ValueError:
                continue
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified):
                found.add(ip)
    return [str(ip) for ip in sorted(found, key=lambda ip: (not ip.is_private, ip))]


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def choose_base(host: str, port: int, candidates: list[str] | None = None) -> tuple[str, bool]:
    """The address for links and the QR code, and whether only this machine can open it.

    Listening on every interface (0.0.0.0 or ::), the first candidate (a private LAN address
    when there is one); on one address, that address; on loopback, loopback (and say so)."""
    if host in ("0.0.0.0", "::", ""):
        candidates = room_addresses() if candidates is None else candidates
        if candidates:
            return _url(candidates[0], port), False
        return _url("127.0.0.1", port), True
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    return _url(host, port), loopback
