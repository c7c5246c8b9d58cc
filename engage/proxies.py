"""Which X-Forwarded-* headers to believe.

Behind a reverse proxy, the client's address comes from X-Forwarded-For. Anyone can
send that header, so it is believed only on requests that come from a proxy listed in
TRUSTED_PROXIES (addresses or networks); on any other request it is dropped. Without
this, a client reaching the app directly could claim a new address on every request and
walk past every per-address rate limit.
"""

from __future__ import annotations

import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_FORWARDED",
)


def parse_networks(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """'127.0.0.1, 10.0.0.0/8' -> networks; a bare address is a network of one."""
    return [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in (value or "").split(",")
        if part.strip()
    ]


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, and the forwarding
    headers removed from every other request."""

    def __init__(self, app, *, networks, hops: int):
        self.app = app
        self.networks = networks
        self.proxied = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._trusted(environ.get("REMOTE_ADDR", "")):
            return self.proxied(environ, start_response)
        for header in FORWARDED_HEADERS:
            environ.pop(header, None)
        return self.app(environ, start_response)
