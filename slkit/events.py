"""What happens in a room, one line each in the facilitator's terminal: a person joined, a module
opened or closed, results shown or held back, a session made, ended or deleted. These happen in
the pages' kernels; a kernel's own output goes to its page, so the line is written to the
terminal the server runs in (ipykernel keeps a copy of it when it captures the kernel's output
for the page). No names and no keys: a session's code and counts only.

Outside a workshop server's kernel (the command line, tests, JupyterLab alone) a note goes to the
`slkit.events` logger like any other log line, and is shown only where logging is set up.

    from slkit import events
    events.note("session %s: a person joined (%d in the session)", code, n)
"""

from __future__ import annotations

import logging
import os
import sys
import time

log = logging.getLogger("slkit.events")
_ready = False


def _terminal() -> logging.Handler | None:
    """A handler writing to the server's terminal, from a page's kernel (None elsewhere)."""
    if "VOILA_REQUEST_URL" not in os.environ and os.environ.get("VOILA_PREHEAT") != "True":
        return None
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)  # ipykernel captured fd 2 for the page
    if fd is None:
        if type(sys.stderr).__module__.startswith("ipykernel"):
            fd = sys.__stderr__.fileno() if sys.__stderr__ is not None else None  # fd 2 not captured: still the terminal
        else:
            fd = sys.stderr.fileno()
    if fd is None:
        return None
    try:
        stream = os.fdopen(os.dup(fd), "w", buffering=1, encoding="utf-8", errors="replace")
    except OSError:
        return None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("[slkit] %(clock)s %(message)s"))
    return handler


class _Clock(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        return True


def note(message: str, *args) -> None:
    """One line about the room (%-style `args`, as logging takes them)."""
    global _ready
    if not _ready:
        _ready = True
        handler = _terminal()
        if handler is not None:
            handler.addFilter(_Clock())
            log.addHandler(handler)
            log.setLevel(logging.INFO)
            log.propagate = False
    log.info(message, *args)
