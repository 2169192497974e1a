"""A countdown the facilitator starts and participants see: "4:32 left", then "Time is up".

The end time is a session setting (`timer_end`, UTC ISO) with the module it was started for
(`timer_module`): a module's page shows only its own countdown. The page counts down by itself
(one small script per page), so showing a timer costs the kernel nothing while it runs; "Time
is up" stays for a minute, then goes. A participant's page picks up a new or stopped timer at
the person's next step or answer.

Example::

    banner = TimerBanner(code="K7M2QX")
    banner.refresh()     # reads the session's timer
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as W

from slkit import KitError
from slkit.i18n import _

from . import page as P

SETTING = "timer_end"
MODULE = "timer_module"
UP_FOR = 60  # seconds that "Time is up" stays on screen

# Counts down every timer on the page. A module page (one with a save bar) keeps a copy of the
# first one in its save bar while the timer itself is scrolled out of sight, so a participant
# down at a question still sees it: once on the page at any moment, and in the bar's own strip
# at the bottom of the window, which the page keeps free, so it covers no control.
_COUNTDOWN = (
    "(function(){if(window.slkCountdown)return;window.slkCountdown=setInterval(function(){"
    "var shown=null;"
    "document.querySelectorAll('.slk-timer[data-end]').forEach(function(el){"
    "var left=Math.round((Number(el.dataset.end)-Date.now())/1000);var out=el.querySelector('.left');if(!out)return;"
    f"if(left<=-{UP_FOR}){{out.textContent='';el.classList.add('over');return;}}"
    "if(left<=0){out.textContent=el.dataset.up;el.classList.add('done');}"
    "else{var m=Math.floor(left/60),s=left%60;out.textContent=el.dataset.fmt.replace('{time}',m+':'+(s<10?'0':'')+s);el.classList.remove('done');}"
    "if(!shown){var r=el.getBoundingClientRect();shown={text:out.textContent,done:left<=0,"
    "inView:r.bottom>0&&r.top<window.innerHeight&&r.width>0};}});"
    "var f=document.getElementById('slk-float-timer');var bar=document.querySelector('.slk-savebar');"
    "if(!shown||shown.inView||!bar){if(f)f.remove();return;}"
    "if(!f||f.parentElement!==bar){if(f)f.remove();f=document.createElement('div');f.id='slk-float-timer';"
    "f.style.cssText='margin-left:auto;pointer-events:none;font:600 1.1rem system-ui,sans-serif;padding:.15em .7em;border-radius:6px;white-space:nowrap';"
    "bar.appendChild(f);}"
    "f.textContent=shown.text;f.style.background=shown.done?'#fde8e8':'#e8f1f8';f.style.color=shown.done?'#9b1c1c':'#123c5a';"
    "},1000);})();"
)


def timer_end(settings: dict) -> dt.datetime | None:
    raw = settings.get(SETTING)
    if not raw:
        return None
    try:
        end = dt.datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return None
    return end if end.tzinfo else end.replace(tzinfo=dt.timezone.utc)


def timer_over(end: dt.datetime) -> bool:
    """The countdown ended, and "Time is up" has been shown long enough."""
    return (end - dt.datetime.now(dt.timezone.utc)).total_seconds() <= -UP_FOR


def timer_markup(end: dt.datetime | None) -> str:
    if end is None:
        return ""
    left = int((end - dt.datetime.now(dt.timezone.utc)).total_seconds())
    if left <= -UP_FOR:
        return ""  # over, and said so long enough
    left = max(0, left)
    fmt, up = _("{time} left"), _("Time is up")
    text = fmt.format(time=f"{left // 60}:{left % 60:02d}") if left else up
    return P.markup(f"<div class='slk-timer' role='timer' data-end='{int(end.timestamp() * 1000)}' data-fmt='{P.esc(fmt)}' "
                    f"data-up='{P.esc(up)}'><span class='left'>{P.esc(text)}</span></div>")


class TimerBanner(W.VBox):
    """The countdown of a session; with `module`, only one started for that module."""

    def __init__(self, code: str | None, *, module: str | None = None, store_factory=P.store, **kwargs):
        self.code, self.module, self._store_factory = code, module, store_factory
        self.html = W.HTML()
        self.script = W.Output(layout=W.Layout(display="none"))
        super().__init__([self.html, self.script], **kwargs)
        self.refresh()

    def refresh(self) -> None:
        if not self.code:
            return
        try:
            settings = self._store_factory().get_session(self.code).settings
        except KitError:
            return  # the page says so elsewhere; a timer is not worth a second message
        end = timer_end(settings)
        if self.module is not None and settings.get(MODULE) != self.module:
            end = None  # a countdown for another module
        if end is not None and not self.script.outputs and P.in_voila():
            from IPython.display import Javascript

            self.script.append_display_data(Javascript(_COUNTDOWN))  # the page counts down by itself
        value = timer_markup(end)
        if self.html.value != value:
            self.html.value = value
