"""Joining a session: start (with an optional name), come back by link or personal code, or
work alone when no session is given (self-study).

After joining, the page's address gets the participant's resume token, so a reload brings the
same person back with their answers; the personal code does the same on another device.

Example::

    join = JoinPanel(code="K7M2QX", token=None, on_ready=lambda participant, show_name: ...)
"""

from __future__ import annotations

import json
from typing import Callable

import ipywidgets as W

from slkit import KitError
from slkit.sessions import format_personal_code
from slkit.store import Participant, SessionInfo

from . import page as P


class JoinPanel(W.VBox):
    def __init__(
        self,
        code: str | None,
        token: str | None = None,
        personal_code: str | None = None,
        *,
        on_ready: Callable[..., None],
        store_factory=P.store,
        **kwargs,
    ):
        self._store_factory = store_factory
        self._on_ready = on_ready
        self.session: SessionInfo | None = None
        self.participant: Participant | None = None
        self.status = W.HTML()
        self.form = W.VBox()
        self.script = W.Output(layout=W.Layout(display="none"))
        super().__init__([self.status, self.form, self.script], **kwargs)
        if not code:
            self.status.value = P.markup(
                "<p class='muted'>You are working on your own: your answers stay in this notebook. "
                "To take part in a live workshop, open the link your facilitator gives you.</p>"
            )
            on_ready(None, show_name=False)
            return
        try:
            self.session = store_factory().get_session(code)
        except KitError as e:
            self.status.value = P.message("error", str(e)) + P.markup(
                "<p><a href='index.ipynb'>Back to the start page</a></p>"
            )
            return
        if token or personal_code:
            try:
                self._ready(store_factory().resume(self.session.code, token=token, personal_code=personal_code), token=token, personal_code=personal_code)
                return
            except KitError as e:
                self.status.value = P.message("error", str(e))
        self.show_form()

    @property
    def code(self) -> str | None:
        return self.session.code if self.session else None

    def show_form(self) -> None:
        self.name_input = W.Text(placeholder="Your name (optional)", layout=W.Layout(width="auto"))
        self.show_name = W.Checkbox(value=False, description="Show my name next to my written answers", indent=False)
        self.start_button = W.Button(description="Start", button_style="primary", icon="play")
        self.start_button.add_class("slk-button")
        self.start_button.on_click(lambda _b: self.start())
        self.code_input = W.Text(placeholder="ABCD-EFGH", layout=W.Layout(width="10em"))
        self.code_input.add_class("slk-input")
        self.resume_button = W.Button(description="Continue")
        self.resume_button.on_click(lambda _b: self.resume())
        self.form.children = [
            P.block(f"<p>Session <b>{P.esc(self.session.title)}</b> ({P.esc(self.session.code)}). "
                    "Nobody sees your individual answers; the team sees only totals.</p>"),
            self.name_input,
            self.show_name,
            self.start_button,
            P.block("<p class='muted'>Been here before, on this or another device? Enter your personal code:</p>"),
            W.HBox([self.code_input, self.resume_button], layout=W.Layout(align_items="center")),
        ]

    def start(self) -> bool:
        try:
            p = self._store_factory().join(self.session.code, self.name_input.value, show_name=self.show_name.value)
        except KitError as e:
            self.status.value = P.message("error", str(e))
            return False
        self._ready(p, token=p.token)
        return True

    def resume(self) -> bool:
        try:
            p = self._store_factory().resume(self.session.code, personal_code=self.code_input.value)
        except KitError as e:
            self.status.value = P.message("error", str(e))
            return False
        self._ready(p, personal_code=p.personal_code)
        return True

    def _ready(self, p: Participant, *, token: str | None = None, personal_code: str | None = None) -> None:
        self.participant = p
        self.form.children = []
        who = f"{P.esc(p.display_name)}, your" if p.display_name else "Your"
        self.status.value = P.markup(
            f"<p class='msg-ok'>{who} personal code is <span class='code'><b>{format_personal_code(p.personal_code)}</b></span>. "
            "Note it to continue on another device; this page keeps your answers when you reload it.</p>"
        )
        self._remember_in_address(token=token, personal_code=None if token else personal_code)
        self._on_ready(p, show_name=p.show_name)  # kept with the participant: the same after a reload

    def _remember_in_address(self, *, token: str | None, personal_code: str | None) -> None:
        """Put the resume token (or personal code) into the address bar, without reloading."""
        key, value = ("p", token) if token else ("pc", personal_code)
        if not value or not P.in_voila():
            return
        from IPython.display import Javascript

        js = (
            "(function(){var u=new URL(window.location.href);"
            f"u.searchParams.set({json.dumps(key)},{json.dumps(value)});"
            "window.history.replaceState(null,'',u.toString());})();"
        )
        self.script.outputs = ()
        self.script.append_display_data(Javascript(js))
