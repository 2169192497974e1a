"""Who is asking, and what the server writes down about it.

- `client_address`: a request's client address. A proxy in front of the server (the kit's own
  HAProxy, a hosting platform's) names the client in `X-Forwarded-For`; the server believes it
  only from the addresses given in `slkit serve --trust-proxy` (default: this machine), taking
  the address the last trusted proxy saw. A client's own `X-Real-Ip` or `X-Forwarded-For` never
  counts (Tornado's `xheaders` would let `X-Real-Ip` pose as loopback, or rotate addresses).
- `redact`: log lines without credentials: the values of `key`, `screen`, `p`, `pc`, `invite`,
  `token` and `_xsrf` in a URL, and the kit's cookies, become `…`.

>>> redact("GET /voila/render/facilitator.ipynb?session=K7M2QX&key=s3cret (10.0.0.2)")
'GET /voila/render/facilitator.ipynb?session=K7M2QX&key=… (10.0.0.2)'
>>> redact("'Cookie': 'slk_K7M2QX=abc; _xsrf=2|x; slk_lang=nb'")
"'Cookie': 'slk_K7M2QX=…; _xsrf=…; slk_lang=nb'"
"""

from __future__ import annotations

import logging
import re

from .kernel_budget import LOOPBACK, in_networks

# Query parameters and cookies that carry a credential: a facilitator or screen key, a resume
# token, a personal code, an observer's invitation, a form token.
SECRET_PARAMS = ("key", "screen", "p", "pc", "invite", "token", "_xsrf")
_PARAM = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in SECRET_PARAMS) + r")=([^&\s'\"#;)]+)")
_COOKIE = re.compile(r"(?<![\w-])(slk_(?!lang=)[A-Za-z0-9_]+|_xsrf|SLKIT_WORKER)=([^;\s'\"]+)")


def redact(text: str) -> str:
    """`text` with every credential value replaced by '…'."""
    text = _PARAM.sub(lambda m: f"{m.group(1)}=…", text)
    return _COOKIE.sub(lambda m: f"{m.group(1)}=…", text)


class RedactFilter(logging.Filter):
    """A log handler's filter that takes credentials out of every record it passes on."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logged as it is
            return True
        clean = redact(text)
        if clean != text:
            record.msg, record.args = clean, None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_logs(app_log: logging.Logger) -> None:
    """Every line the server writes goes through `RedactFilter`: tornado's loggers (requests,
    errors) are routed through the application's log, as Jupyter's server does, and the filter
    sits on every handler they reach (a filter on a handler sees what child loggers pass up),
    Python's last-resort handler included."""
    tornado_log = logging.getLogger("tornado")
    tornado_log.propagate = True
    tornado_log.parent = app_log
    tornado_log.setLevel(app_log.level or logging.INFO)
    handlers = [*app_log.handlers, *logging.getLogger().handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, RedactFilter) for f in handler.filters):
            handler.addFilter(RedactFilter())


def client_address(peer: str, forwarded_for: str | None, trusted: tuple = LOOPBACK) -> str:
    """The client's address: the socket's peer, or, where the peer is a trusted proxy, the nearest
    address in `X-Forwarded-For` that is not itself a trusted proxy.

    >>> import ipaddress
    >>> client_address("127.0.0.1", "10.0.0.7")
    '10.0.0.7'
    >>> client_address("192.0.2.5", "127.0.0.1")          # an untrusted client's own header counts for nothing
    '192.0.2.5'
    >>> client_address("127.0.0.1", "127.0.0.1, 10.0.0.7") # a forged first entry, the proxy's own last
    '10.0.0.7'
    """
    if not forwarded_for or not in_networks(peer, trusted):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not in_networks(hop, trusted):
            return hop
    return peer


def forwarded_scheme(peer: str, proto: str | None, default: str, trusted: tuple = LOOPBACK) -> str:
    """http or https as the client used it: a trusted proxy's X-Forwarded-Proto, else the server's own."""
    if proto and in_networks(peer, trusted):
        first = proto.split(",")[0].strip().lower()
        if first in ("http", "https"):
            return first
    return default


class ClientFromProxy:
    """A tornado 'transform' used only for what it sees first: every request, before its handler
    runs (websockets included). It sets the request's `remote_ip` and `protocol` from a trusted
    proxy's headers, and passes the response through unchanged."""

    trusted: tuple = LOOPBACK

    def __init__(self, request):
        peer = request.remote_ip
        request.remote_ip = client_address(peer, request.headers.get("X-Forwarded-For"), self.trusted)
        request.protocol = forwarded_scheme(peer, request.headers.get("X-Forwarded-Proto"), request.protocol, self.trusted)

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        return status_code, headers, chunk

    def transform_chunk(self, chunk, finishing):
        return chunk
