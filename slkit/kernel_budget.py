"""The server's kernel budget: every page opened starts a kernel (~60–100 MB), so a loop of
anonymous requests could otherwise fill a facilitator's laptop (stock Voila has no cap).

- At most `total` kernels on the server (by default what the free memory holds, see
  `default_max_kernels`); a page asked for beyond it gets a short "the workshop is full right
  now" page with a link to try again, instead of a kernel. The console and the room screen
  may use a few more, so a full room never locks out its facilitator.
- At most `per_address` pages per client address whose kernel has not been connected to yet: a
  browser connects within seconds, a script that only fetches pages never does. Loopback is
  exempt (the facilitator's own machine, or a proxy in front of the server).
- A kernel whose page never connects is stopped after `connect_timeout` seconds.

People already in keep working: the budget only decides whether a new page gets a kernel.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import logging
import time
from dataclasses import dataclass

from .paths import DATA_DIR
from .text import esc

log = logging.getLogger("slkit")

KERNEL_MB = 100  # a module page's kernel measures ~63 MB (PSS); the console's, with pandas, more
STATUS_FILE = "kernels.json"
RETRY_SECONDS = 20
FACILITATOR_PAGES = ("facilitator.ipynb", "screen.ipynb")


def facilitator_page(path: str) -> bool:
    """The console or the room screen (a request path ending in one of FACILITATOR_PAGES)."""
    return path.rsplit("/", 1)[-1] in FACILITATOR_PAGES
FACILITATOR_RESERVE = 4


def default_max_kernels(pooled: int = 0) -> int:
    """What 70 % of the memory free now holds, at least 10 more than the kernels kept ready."""
    import psutil

    fits = int(psutil.virtual_memory().available * 0.7 / (KERNEL_MB * 2**20))
    return max(10 + pooled, min(fits, 1000))


@dataclass(frozen=True)
class KernelBudget:
    total: int
    per_address: int = 10
    connect_timeout: float = 30.0


class KernelGuard:
    """Counts kernels against the budget, and stops those whose page never connected."""

    def __init__(self, kernel_manager, budget: KernelBudget, clock=time.monotonic):
        self.km, self.budget, self.clock = kernel_manager, budget, clock
        self.waiting: dict[str, tuple[str, float]] = {}  # kernel id -> (client address, started)
        self._last_refusal = 0.0

    def kernels(self) -> int:
        return len(self.km.list_kernel_ids())

    def refusal(self, address: str, path: str = "") -> str | None:
        """Why a new page from `address` gets no kernel now ("full", "address"), or None. The
        facilitator's console and the room screen have a few kernels of their own beyond the
        cap: a full room must not lock out the person running it."""
        reason = None
        reserve = FACILITATOR_RESERVE if facilitator_page(path) else 0
        if self.kernels() >= self.budget.total + reserve:
            reason = "full"
        elif not _loopback(address) and sum(1 for a, _t in self.waiting.values() if a == address) >= self.budget.per_address:
            reason = "address"
        if reason and self.clock() - self._last_refusal > 10:  # one line per burst, not per request
            self._last_refusal = self.clock()
            log.warning("kernel budget: a page from %s got no kernel (%s; %d kernels, at most %d)",
                        address, "the server is full" if reason == "full" else "too many pages still opening from there",
                        self.kernels(), self.budget.total)
        return reason

    def started(self, kernel_id: str, address: str, *, rendering: bool = False) -> None:
        """A kernel for a page from `address`. While its page is `rendering` (the server still
        sending it), the time to connect has not begun: see `delivered`."""
        self.waiting[kernel_id] = (address, math.inf if rendering else self.clock())

    def delivered(self, kernel_id: str) -> None:
        """The page of this kernel has reached its browser: the time to connect counts from now.
        (Under load a page can take longer to render than the timeout: counted from the kernel's
        start, 2 of 100 pages joining at once were stopped on their way.)"""
        if kernel_id in self.waiting:
            self.waiting[kernel_id] = (self.waiting[kernel_id][0], self.clock())

    async def sweep(self) -> None:
        """Forget kernels whose page connected; stop those whose page never did in time (all at
        once, without waiting for each to say goodbye: nobody is on the other end)."""
        connections = getattr(self.km, "_kernel_connections", {})
        now = self.clock()
        stop = []
        for kernel_id, (address, started) in list(self.waiting.items()):
            if kernel_id not in self.km or connections.get(kernel_id, 0) > 0:
                del self.waiting[kernel_id]
            elif now - started > self.budget.connect_timeout:  # (inf while rendering: never)
                del self.waiting[kernel_id]
                stop.append(kernel_id)
        if stop:
            log.info("kernel budget: stopping %d kernel(s) whose page never connected", len(stop))
            await asyncio.gather(*(self.km.shutdown_kernel(k, now=True) for k in stop), return_exceptions=True)
        self.write_status()

    def write_status(self) -> None:
        """For the console: how many kernels run, and the cap."""
        try:
            (DATA_DIR / STATUS_FILE).write_text(json.dumps({"kernels": self.kernels(), "cap": self.budget.total, "at": time.time()}))
        except OSError:
            pass


def read_status(max_age: float = 30.0) -> dict | None:
    """The running server's kernel count and cap (None when no server wrote it lately)."""
    try:
        status = json.loads((DATA_DIR / STATUS_FILE).read_text())
        return status if time.time() - float(status["at"]) <= max_age else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def full_page(reason: str, language: str | None = None) -> str:
    """What a person sees instead of a page when the budget is spent, in `language` (the one they
    chose in this browser, else the server's). No automatic reload (a page that reloads by itself
    takes the reader's place away, WCAG 2.2.1): a link tries again."""
    from . import i18n
    from .i18n import _

    with i18n.use(language or i18n.server_default()):
        why = (_("Many pages are open on this workshop server at the moment.")
               if reason == "full" else _("Several pages are still opening on this device."))
        title = _("The workshop is full right now")
        return (
            f"<!doctype html><html lang='{i18n.current()}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title>"
            "<style>body{font:1.1rem/1.5 system-ui,sans-serif;color:#1f2933;max-width:36em;margin:3em auto;padding:0 1em}"
            "h1{color:#123c5a;font-size:1.6rem}a{color:#0b5394;font-weight:600}</style></head><body><main>"
            f"<h1>{esc(title)}</h1><p>{esc(why)} "
            + esc(_("Please try again in a moment (about {n} seconds).").format(n=RETRY_SECONDS))
            + f"</p><p>{esc(_('Answers you already gave are saved.'))}</p>"
            f"<p><a href=''>{esc(_('Try again now'))}</a></p></main></body></html>"
        )
