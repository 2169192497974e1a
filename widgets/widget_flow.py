"""A step-by-step flow: progress, Back and Next; every step's widgets stay alive, so answers stay.

A step may be a widget or a function that builds one when the step is first shown (charts
load only when someone gets there). Showing a step refreshes every view in it that has a
`refresh()` (summaries, team results); before leaving a step, its pending text is saved.

Example::

    flow = StepFlow([("Model the Way", grid1), ("Your profile", lambda: profile_view())])
"""

from __future__ import annotations

from typing import Callable, Sequence, Union

import ipywidgets as W

from slkit.i18n import _

from . import page as P

StepBody = Union[W.Widget, Callable[[], W.Widget]]


def _call_all(widget: W.Widget, method: str) -> bool:
    """Call `method` on `widget` and every widget under it (in order) that has one; False if one
    returned False. A step's summaries refresh, and its pending text is saved, wherever they sit."""
    ok = True
    stack = [widget]
    while stack:
        w = stack.pop()
        fn = getattr(w, method, None)
        if callable(fn) and not isinstance(w, StepFlow):
            ok = fn() is not False and ok
        if not isinstance(w, StepFlow) or w is widget:
            stack.extend(reversed(getattr(w, "children", ())))
    return ok


def _commit_all(widget: W.Widget) -> bool:
    """Save pending text in every field under `widget`; False if one was refused."""
    return _call_all(widget, "commit")


def _refused_here(widget: W.Widget) -> bool:
    """Whether a text field under `widget` holds text refused as it is (not one waiting for the store)."""
    stack = [widget]
    while stack:
        w = stack.pop()
        if getattr(w, "invalid", False) is True:
            return True
        stack.extend(getattr(w, "children", ()))
    return False


class StepFlow(W.VBox):
    def __init__(self, steps: Sequence[tuple[str, StepBody]], *, on_show: Callable[[int], None] | None = None,
                 on_finish: Callable[[], None] | None = None, start: int = 0, **kwargs):
        self._on_show = on_show
        self._on_finish = on_finish
        self.titles = [t for t, _ in steps]
        self._bodies: list[StepBody] = [b for _, b in steps]
        self._built: dict[int, W.Widget] = {}
        self.index = 0
        self.header = W.HTML()
        self.header.add_class("slk-step-title")
        self.progress = W.IntProgress(min=0, max=len(steps), value=1, layout=W.Layout(width="100%", height="10px"))
        self.holder = W.VBox()
        self.back = W.Button(description=_("Back"))
        self.next = W.Button(description=_("Next"), button_style="primary")
        for b in (self.back, self.next):
            b.add_class("slk-button")
        self.back.on_click(lambda _b: self.go(self.index - 1))
        self.next.on_click(lambda _b: self.go(self.index + 1) if self.index < len(self.titles) - 1 else self.finish())
        self.finished = W.VBox()
        # The focus the page asks for (Voila and JupyterLab alike: the kit's accessibility script,
        # slkit/jupyter/voila/templates/slkit/a11y.js, reads it from the step title): how many
        # times it was asked, and what for.
        self._focus = (0, "step")
        nav = W.HBox([self.back, self.next], layout=W.Layout(justify_content="space-between", margin="16px 0"))
        super().__init__([self.header, self.progress, self.holder, self.finished, nav], **kwargs)
        self.show(max(0, min(start, len(steps) - 1)))

    def body(self, i: int) -> W.Widget:
        if i not in self._built:
            b = self._bodies[i]
            self._built[i] = b if isinstance(b, W.Widget) else b()
        return self._built[i]

    def go(self, i: int) -> None:
        if not 0 <= i < len(self.titles):
            return
        if not _commit_all(self.holder) and i > self.index and _refused_here(self.holder):
            # A text refused as it is (too long): the step stays, with its message, and the field
            # takes the focus, rather than moving on with the warning shown on the next step.
            self._ask_focus("refused")
            return
        _call_all(self.holder, "pause")  # live views of the step left stop asking for updates
        self._focus = (self._focus[0] + 1, "step")  # the new step opens at its heading, focused
        self.show(i)

    def _ask_focus(self, what: str) -> None:
        self._focus = (self._focus[0] + 1, what)
        self._title()

    def _title(self) -> None:
        """The step's number and title, with the focus the page asks for (after Next or Back:
        the heading; after a refused Next: the field whose text cannot be saved as it is)."""
        i = self.index
        step = _("Step {n} of {total}").format(n=i + 1, total=len(self.titles))
        n, what = self._focus
        self.header.value = (f'<div class="slk" data-focus="{n}" data-focus-on="{what}"><p class="muted">{step}</p>'
                             f'<h2>{P.esc(self.titles[i])}</h2></div>')

    def finish(self) -> bool:
        """The last step's button: save what is typed, then say the module is done."""
        if not _commit_all(self.holder):
            return False
        if self._on_finish is not None:
            self._on_finish()
        return True

    def show(self, i: int) -> None:
        self.index = i
        n = len(self.titles)
        body = self.body(i)
        _call_all(body, "refresh")
        _call_all(body, "resume")  # its live views ask for updates again
        self.holder.children = [body]
        # The title changes after the body, so a new title means the new step is on its way.
        self._title()
        self.progress.value = i + 1
        self.progress.description = ""
        self.back.disabled = i == 0
        self.next.description = _("Finish") if i == n - 1 else _("Next")
        if i != n - 1:
            self.finished.children = []
        if self._on_show is not None:
            self._on_show(i)
