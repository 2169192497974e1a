"""Live updates that stop by themselves: a timer in the browser asks the kernel to refresh.

The timer runs in the page: every `PERIOD` seconds it clicks each hidden tick button marked
live, and the kernel refreshes. So a closed tab sends no more ticks and its kernel goes idle
(and is culled); and a ticker stays live for a bounded time (by default 30 minutes after the
person last did something), so a tab left open does not keep a kernel busy for ever. Any
action (`touch()`) starts the clock again; the Refresh button is always there.

A participant's live views are `gated`: before it clicks their ticks, the timer asks the
server whether anything was stored since its last look (`/slkit/changes`, slkit/changes.py),
and wakes the kernel only when something was, or every `ALWAYS_EVERY` ticks whatever the
answer. A room sitting on its team view then costs the server a tiny request per page every
2 s, not a kernel's refresh. The console and the room screen are not gated (one page each).

Example::

    ticker = LiveTicker(on_tick=board.reload)
    ticker.touch()   # after the person acted: live for another 30 minutes
"""

from __future__ import annotations

import time
from typing import Callable

import ipywidgets as W
import traitlets as T

from slkit.i18n import _

from . import page as P

PERIOD = 2  # seconds between ticks: results within 2 s of an answer, without reloading

ALWAYS_EVERY = 30  # a gated tick is sent at least this often (60 s), whatever the server says

# One timer per page, however many tickers: it clicks the ticks of the live ones only. A gated
# tick remembers the token it was last clicked at (data-slk-seen) and is clicked again when the
# token moved, when the server gave none, when it has just become live, or every ALWAYS_EVERY.
_TIMER = (
    "(function(){if(window.slkTicker)return;var n=0;"
    "var url=location.pathname.split('/voila/')[0]+'/slkit/changes';"
    "window.slkTicker=setInterval(function(){"
    "document.querySelectorAll('.slk-tick.slk-live:not(.slk-gated)').forEach(function(b){b.click();});"
    "if(!document.querySelector('.slk-tick.slk-live.slk-gated'))return;"
    f"var always=++n%{ALWAYS_EVERY}===0;"
    "fetch(url,{cache:'no-store'}).then(function(r){return r.ok?r.text():'';}).catch(function(){return '';})"
    ".then(function(v){document.querySelectorAll('.slk-tick.slk-live.slk-gated').forEach(function(b){"
    "if(v&&!always&&b.dataset.slkSeen===v)return;b.dataset.slkSeen=v;b.click();});});"
    f"}},{PERIOD * 1000});"
    "})();"
)


class LiveTicker(W.VBox):
    live = T.Bool(False, help="the page is asked for ticks; False once paused or out of time")
    ticks = T.Int(0, help="ticks since the person last acted")

    def __init__(self, on_tick: Callable[[], None], *, minutes: float = 30, gated: bool = True,
                 clock: Callable[[], float] = time.monotonic, **kwargs):
        self._on_tick = on_tick
        self.minutes, self._clock = minutes, clock
        self.max_ticks = max(1, int(minutes * 60 / PERIOD))
        self.tick = W.Button(description="tick", layout=W.Layout(display="none"))
        self.tick.add_class("slk-tick")
        if gated:
            self.tick.add_class("slk-gated")
        self.tick.on_click(lambda _b: self._ticked())
        self.status = W.HTML()
        self.refresh_button = W.Button(description=_("Refresh"), icon="refresh")
        self.refresh_button.add_class("slk-refresh")
        self.refresh_button.on_click(lambda _b: (self.touch(), self._on_tick()))
        self.script = W.Output(layout=W.Layout(display="none"))
        super().__init__([self.tick, self.script, W.HBox([self.status, self.refresh_button], layout=W.Layout(align_items="center"))], **kwargs)
        if P.in_voila():  # in JupyterLab a page runs no scripts: Refresh does the work
            from IPython.display import Javascript

            self.script.append_display_data(Javascript(_TIMER))
        self.observe(self._show, "live")
        self.touch()

    def _ticked(self) -> None:
        # A gated ticker hears fewer ticks than the clock has run: its stretch ends by time.
        self.ticks += 1
        if self.ticks >= self.max_ticks or self._clock() - self._since >= self.minutes * 60:
            self.live = False
        self._on_tick()

    def _show(self, change) -> None:
        if change["new"]:
            self.tick.add_class("slk-live")
            text = (f"<span class='muted live'>● {_('Live: updates every few seconds')}</span>" if P.in_voila()
                    else f"<span class='muted'>{_('Refresh to see the latest.')}</span>")  # JupyterLab runs no page timer
        else:
            self.tick.remove_class("slk-live")
            text = f"<span class='muted paused'>{_('Live updates paused. Refresh to see the latest.')}</span>"
        self.status.value = P.markup(text)

    def touch(self) -> None:
        """The person did something: keep the updates coming for another stretch."""
        self.ticks = 0
        self._since = self._clock()
        if not self.live:
            self.live = True
        elif not self.status.value:
            self._show({"new": True})

    def resume(self) -> None:
        """Its step is shown again: live for another stretch."""
        self.touch()

    def pause(self) -> None:
        """Stop the updates (its step is no longer shown); `touch()` starts them again."""
        self.live = False
