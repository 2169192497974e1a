"""The landing page: the kit's name, a field for the session code, and the modules.

Example (in a notebook)::

    from widgets.widget_landing import Landing
    Landing.from_page()          # reads ?session=CODE from the address, if any
"""

from __future__ import annotations

import ipywidgets as W

from slkit import KitError
from slkit.content import load_frameworks
from slkit.paths import WORKSHOPS_DIR
from slkit.sessions import participant_link

from . import page as P


class Landing(W.VBox):
    """Session-code entry; once a code is valid, links into each module of that session."""

    def __init__(self, code: str | None = None, store_factory=P.store, **kwargs):
        self._store_factory = store_factory
        self.code_input = W.Text(
            placeholder="e.g. K7M2QX", description="", continuous_update=False,
            layout=W.Layout(width="12em"),
        )
        self.code_input.add_class("slk-input")
        self.join_button = W.Button(description="Join", button_style="primary", icon="arrow-right", layout=W.Layout(margin="0 0 0 8px"))
        self.join_button.add_class("slk-button")
        self.status = W.HTML()
        self.modules = W.HTML()
        self.join_button.on_click(lambda _b: self.join(self.code_input.value))
        self.code_input.observe(lambda ch: self.join(ch["new"]) if ch["new"] else None, "value")
        header = P.block(
            "<h1>Social Leadership Workshop</h1>"
            '<p class="muted">Leading with social media: short, hands-on modules for a team.</p>'
            "<h2>Join a session</h2><p>Type the code your facilitator shows you.</p>"
        )
        entry = W.HBox([self.code_input, self.join_button], layout=W.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([P.page(header, entry, self.status, self.modules)], **kwargs)
        self.show_modules(None)
        if code:
            self.code_input.value = code

    @classmethod
    def from_page(cls) -> "Landing":
        return cls(code=P.query().get("session"))

    def join(self, raw: str) -> bool:
        """Check a typed code; on success list the modules with links into the session."""
        try:
            session = self._store_factory().get_session(raw)
        except KitError as e:
            self.status.value = P.message("error", str(e))
            self.show_modules(None)
            return False
        self.status.value = P.message("ok", f"Welcome to “{session.title}” (session {session.code}). Choose the module your facilitator names.")
        self.show_modules(session.code)
        return True

    def show_modules(self, code: str | None) -> None:
        cards = []
        for fw in load_frameworks().values():
            title = f"<b>{fw.order}. {P.esc(fw.title)}</b><br><span class='muted'>{P.esc(fw.summary)}</span>"
            if (WORKSHOPS_DIR / fw.notebook).exists():
                href = participant_link(P.base_url(), fw.notebook, code) if code else f"{P.base_url()}/voila/render/{fw.notebook}"
                cards.append(f'<a class="card" href="{P.esc(href)}">{title}</a>')
            else:
                cards.append(f'<div class="card">{title}<br><span class="muted">Not yet available in this version.</span></div>')
        intro = "<h2>Modules</h2>" + (
            "" if code else "<p class='muted'>Working on your own? Open a module without a code and it runs just for you.</p>"
        )
        self.modules.value = f'<div class="slk">{intro}{"".join(cards)}</div>'
