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

# Counts down every timer on the page, and keeps a copy of it in a corner of the window, so a
# participant scrolled down to a question still sees it (the page's own layout cannot pin it).
_COUNTDOWN = (
    "(function(){if(window.slkCountdown)return;window.slkCountdown=setInterval(function(){"
    "var shown=null;"
    "document.querySelectorAll('.slk-timer[data-end]').forEach(function(el){"
    "var left=Math.round((Number(el.dataset.end)-Date.now())/1000);var out=el.querySelector('.left');if(!out)return;"
    f"if(left<=-{UP_FOR}){{out.textContent='';el.classList.add('over');return;}}"
    "if(left<=0){out.textContent=el.dataset.up;el.classList.add('done');}"
    "else{var m=Math.floor(left/60),s=left%60;out.textContent=el.dataset.fmt.replace('{time}',m+':'+(s<10?'0':'')+s);el.classList.remove('done');}"
    "shown=shown||{text:out.textContent,done:left<=0};});"
    "var f=document.getElementById('slk-float-timer');"
    "if(!shown){if(f)f.remove();return;}"
    "if(!f){f=document.createElement('div');f.id='slk-float-timer';f.setAttribute('role','timer');"
    "f.style.cssText='position:fixed;bottom:3.4em;right:10px;z-index:10000;pointer-events:none;font:600 1.2rem system-ui,sans-serif;"
    "padding:.25em .8em;border-radius:6px;box-shadow:0 1px 6px rgba(0,0,0,.25)';(document.getElementById('rendered_cells')||document.body).appendChild(f);}"
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
