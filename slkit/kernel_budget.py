"""The server's kernel budget: every page opened starts a kernel (~30–70 MB, more for the console), so one client could
otherwise fill a facilitator's laptop, and take the room with it (stock Voila has no cap).

- At most `total` kernels on the server (by default what the free memory holds, see
  `default_max_kernels`); a page asked for beyond it gets a short "the workshop is full right
  now" page with a link to try again, instead of a kernel.
- The facilitator's console and room screen, opened with their valid keys, have a reserve of
  their own beyond the cap, and are never held to the address rule: a full room never locks out
  the person running it. The key is checked before the reserve is used (the server does it:
  `slkit.server`), so a console page opened without a valid key is a page like any other.
- At most `per_address` participant pages open at once per client address, for as long as they
  are open (not only while they start): one client holding pages open cannot take the room.
  IPv6 addresses count by their /64 network (one device can have many addresses in it).
  Addresses in `exempt` (the facilitator's own machine, by configuration) are not held to it.
- When the server is full, a participant page that never joined a session and has been open for
  `UNJOINED_GRACE` seconds gives its kernel back to a new page before anyone who joined is
  refused (a page knows it joined: `mark_joined`, in its kernel).
- A kernel whose page never connects is stopped after `connect_timeout` seconds.

People already in keep working: the budget only decides whether a new page gets a kernel.
Refusals are counted for the console, which tells the facilitator what to do about them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .paths import DATA_DIR
from .text import esc

log = logging.getLogger("slkit")

# What to plan for a page's kernel: a spawned one measures 65–71 MB (PSS), a forked one 28–30 MB
# (slkit.forkserver; benchmarks/README.md); the console's, with pandas, more.
KERNEL_MB = 100
KERNEL_MB_FORKED = 45
STATUS_FILE = "kernels.json"
JOINED_DIR = "pages"  # kernels of pages that joined a session leave a mark here (mark_joined)
RETRY_SECONDS = 20
FACILITATOR_PAGES = ("facilitator.ipynb", "screen.ipynb")
FACILITATOR_RESERVE = 4
# Seconds a page that never joined keeps its kernel when the server is full (SLKIT_UNJOINED_GRACE
# shortens it for tests).
UNJOINED_GRACE = float(os.environ.get("SLKIT_UNJOINED_GRACE") or 60.0)
REFUSALS_KEPT = 600.0  # seconds the console hears about pages turned away


def facilitator_page(path: str) -> bool:
    """The console or the room screen (a request path ending in one of FACILITATOR_PAGES)."""
    return path.rsplit("/", 1)[-1] in FACILITATOR_PAGES


def default_max_kernels(pooled: int = 0, forked: bool = False) -> int:
    """What 70 % of the memory free now holds, at least 10 more than the kernels kept ready."""
    import psutil

    fits = int(psutil.virtual_memory().available * 0.7 / ((KERNEL_MB_FORKED if forked else KERNEL_MB) * 2**20))
    return max(10 + pooled, min(fits, 1000))


def address_group(address: str) -> str:
    """What the address rule counts by: an IPv4 address itself, an IPv6 address's /64 network.

    >>> address_group("192.0.2.7"), address_group("2001:db8:1:2:aaaa::1"), address_group("::ffff:192.0.2.7")
    ('192.0.2.7', '2001:db8:1:2::/64', '192.0.2.7')
    """
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def in_networks(address: str, networks: tuple) -> bool:
    """Whether `address` is one of `networks` (ip_network objects)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == n.version and ip in n for n in networks)


def parse_networks(text: str | None) -> tuple:
    """'127.0.0.1,::1,10.0.0.0/8' -> ip_network objects; an entry that is no address raises ValueError."""
    out = []
    for part in (text or "").split(","):
        part = part.strip()
        if part:
            out.append(ipaddress.ip_network(part, strict=False))
    return tuple(out)


LOOPBACK = parse_networks("127.0.0.0/8,::1")


@dataclass(frozen=True)
class KernelBudget:
    total: int
    per_address: int = 10
    connect_timeout: float = 30.0
    exempt: tuple = ()  # ip_network objects whose pages the address rule does not hold


@dataclass
class Page:
    """A participant page's kernel, as the budget counts it."""

    address: str  # its client address's group (address_group)
    started: float
    connect_by: float = math.inf  # when its page must have connected (inf while the page is still sent)
    delivered: float | None = None
    connected: bool = False


@dataclass
class Refusals:
    """Pages turned away lately, for the console (why -> times)."""

    times: dict = field(default_factory=lambda: {"full": [], "address": []})

    def note(self, why: str, now: float) -> None:
        self.times.setdefault(why, []).append(now)

    def recent(self, now: float) -> dict[str, int]:
        for why in self.times:
            self.times[why] = [t for t in self.times[why] if now - t <= REFUSALS_KEPT]
        return {why: len(ts) for why, ts in self.times.items()}


def joined_mark(kernel_id: str, folder: Path | None = None) -> Path:
    return (folder or DATA_DIR) / JOINED_DIR / f"joined-{kernel_id}"


def mark_joined() -> None:
    """In a page's kernel: this page joined a session (or is the facilitator's), so the budget
    keeps its kernel before pages that never did. The kernel's id is in its connection file's name."""
    try:
        from ipykernel.connect import get_connection_file

        name = os.path.basename(get_connection_file())
    except Exception:  # noqa: BLE001 - not a kernel (tests, self-study): nothing to mark
        return
    if not (name.startswith("kernel-") and name.endswith(".json")):
        return
    mark = joined_mark(name[len("kernel-"):-len(".json")])
    try:
        mark.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        mark.touch()
    except OSError:
        pass  # the page works all the same; it is only evicted sooner when the server is full


class KernelGuard:
    """Counts kernels against the budget, makes room for new pages, and stops those whose page
    never connected."""

    def __init__(self, kernel_manager, budget: KernelBudget, clock=time.monotonic, folder: Path | None = None):
        self.km, self.budget, self.clock = kernel_manager, budget, clock
        self.folder = folder
        self.pages: dict[str, Page] = {}  # participant pages' kernels by id
        self.facilitator: set[str] = set()  # the console's and the room screen's kernels
        self.refused = Refusals()
        self._last_refusal = 0.0
        # Kernels of pages that have left (their tab's beacon came): they stop a moment later
        # (slkit.server.LAST_WORDS_SECONDS) and no longer count, or a page reloading on a full
        # server ("Not you?", a language change) would be turned away by its own old page.
        self.leaving: set[str] = set()

    def kernels(self) -> int:
        return sum(1 for k in self.km.list_kernel_ids() if k not in self.leaving)

    def open_from(self, address: str) -> int:
        group = address_group(address)
        return sum(1 for k, p in self.pages.items() if p.address == group and k in self.km and k not in self.leaving)

    def left(self, kernel_id: str) -> None:
        """The page of this kernel has left; the kernel stops in a moment."""
        self.leaving.add(kernel_id)

    def exempt(self, address: str) -> bool:
        return in_networks(address, self.budget.exempt)

    def refusal(self, address: str, *, facilitator: bool = False) -> str | None:
        """Why a new page from `address` gets no kernel now ("full", "address"), or None. A
        `facilitator` page (its key checked) may use the reserve and is not held to the address
        rule. Eviction is not tried here (see `admit`)."""
        reason = None
        if facilitator:
            if self.kernels() >= self.budget.total + FACILITATOR_RESERVE:
                reason = "full"
        elif not self.exempt(address) and self.open_from(address) >= self.budget.per_address:
            reason = "address"
        elif self.kernels() >= self.budget.total:
            reason = "full"
        return reason

    async def admit(self, address: str, *, facilitator: bool = False) -> str | None:
        """`refusal`, but when the server is full a participant page that never joined gives its
        kernel back first (the oldest, once it had UNJOINED_GRACE seconds)."""
        reason = self.refusal(address, facilitator=facilitator)
        while reason == "full" and (victim := self.unjoined_victim()) is not None:
            # As many as it takes (the console's kernels count too): one taken and the page
            # turned away all the same would give a kernel back for nothing.
            log.info("kernel budget: the server is full; a page open %d s without joining gives its kernel to a new one",
                     int(self.clock() - self.pages[victim].started))
            self.pages.pop(victim, None)
            self.leaving.add(victim)
            try:
                await self.km.shutdown_kernel(victim, now=True)
            except Exception:  # noqa: BLE001 - gone already: the room is there all the same
                pass
            reason = self.refusal(address, facilitator=facilitator)
        if reason:
            self.refused.note(reason, self.clock())
            if self.clock() - self._last_refusal > 10:  # one line per burst, not per request
                self._last_refusal = self.clock()
                log.warning("kernel budget: a page from %s got no kernel (%s; %d kernels, at most %d)",
                            address_group(address), "the server is full" if reason == "full" else "too many pages open from there",
                            self.kernels(), self.budget.total)
            self.write_status()
        return reason

    def unjoined_victim(self) -> str | None:
        """The participant page that never joined and has been open longest, past the grace time."""
        now = self.clock()
        candidates = [(p.started, k) for k, p in self.pages.items()
                      if k in self.km and k not in self.leaving and now - p.started >= UNJOINED_GRACE and not joined_mark(k, self.folder).exists()]
        return min(candidates)[1] if candidates else None

    def started(self, kernel_id: str, address: str, *, rendering: bool = False, facilitator: bool = False) -> None:
        """A kernel for a page from `address`. While its page is `rendering` (the server still
        sending it), the time to connect has not begun: see `delivered`."""
        if facilitator:
            self.facilitator.add(kernel_id)
            return
        now = self.clock()
        self.pages[kernel_id] = Page(address_group(address), now, math.inf if rendering else now + self.budget.connect_timeout)

    def delivered(self, kernel_id: str) -> None:
        """The page of this kernel has reached its browser: the time to connect counts from now.
        (Under load a page can take longer to render than the timeout: counted from the kernel's
        start, 2 of 100 pages joining at once were stopped on their way.)"""
        page = self.pages.get(kernel_id)
        if page is not None and not page.connected:
            page.delivered = self.clock()
            page.connect_by = page.delivered + self.budget.connect_timeout

    async def sweep(self) -> None:
        """Forget kernels that are gone; note pages that connected; stop the kernels whose page
        never connected in time (all at once, without waiting for each to say goodbye: nobody is
        on the other end)."""
        connections = getattr(self.km, "_kernel_connections", {})
        now = self.clock()
        stop = []
        for kernel_id, page in list(self.pages.items()):
            if kernel_id not in self.km:
                del self.pages[kernel_id]
                self._forget_mark(kernel_id)
            elif connections.get(kernel_id, 0) > 0:
                page.connected = True
            elif not page.connected and now > page.connect_by:
                del self.pages[kernel_id]
                stop.append(kernel_id)
        self.facilitator = {k for k in self.facilitator if k in self.km}
        self.leaving = {k for k in self.leaving if k in self.km}
        if stop:
            log.info("kernel budget: stopping %d kernel(s) whose page never connected", len(stop))
            await asyncio.gather(*(self.km.shutdown_kernel(k, now=True) for k in stop), return_exceptions=True)
            for k in stop:
                self._forget_mark(k)
        self.write_status()

    def _forget_mark(self, kernel_id: str) -> None:
        try:
            joined_mark(kernel_id, self.folder).unlink()
        except OSError:
            pass

    def write_status(self) -> None:
        """For the console: how many kernels run, the cap, and the pages turned away lately."""
        try:
            (DATA_DIR / STATUS_FILE).write_text(json.dumps({
                "kernels": self.kernels(), "cap": self.budget.total, "per_address": self.budget.per_address,
                "refused": self.refused.recent(self.clock()), "at": time.time()}))
        except OSError:
            pass


def read_status(max_age: float = 30.0) -> dict | None:
    """The running server's kernel count and cap (None when no server wrote it lately)."""
    try:
        status = json.loads((DATA_DIR / STATUS_FILE).read_text())
        return status if time.time() - float(status["at"]) <= max_age else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def full_page(reason: str, language: str | None = None) -> str:
    """What a person sees instead of a page when the budget is spent, in `language` (the one they
    chose in this browser, else the server's). No automatic reload (a page that reloads by itself
    takes the reader's place away, WCAG 2.2.1): a link tries again."""
    from . import i18n
    from .i18n import _

    with i18n.use(language or i18n.server_default()):
        why = (_("Many pages are open on this workshop server at the moment.")
               if reason == "full" else _("Many pages are open from this device or network at the moment: close the "
                                          "workshop's tabs you no longer need."))
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
