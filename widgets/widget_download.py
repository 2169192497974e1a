"""A download link for a file made on the spot (e.g. one's own results as HTML).

The file travels inside the link (a data: address), so it works offline and needs no server
route.

Example::

    DownloadLink("my-results.html", lambda: "<html>...</html>")
"""

from __future__ import annotations

import base64
from typing import Callable

import ipywidgets as W

from slkit import KitError
from slkit.i18n import _

from . import page as P


class DownloadLink(W.HTML):
    def __init__(self, filename: str, make: Callable[[], str | bytes], label: str | None = None, *,
                 mime: str = "text/html;charset=utf-8", **kwargs):
        self.filename, self._make, self.label, self.mime = filename, make, label or _("Download your results"), mime
        super().__init__(**kwargs)
        self.refresh()

    def refresh(self) -> None:
        try:
            content = self._make()
        except KitError as e:  # the store failed: say so where the link would be
            self.value = P.message("error", _("“{label}” could not be prepared.").format(label=self.label) + f" {e}")
            return
        payload = base64.b64encode(content.encode("utf-8") if isinstance(content, str) else content).decode("ascii")
        self.value = (
            f'<div class="slk"><a class="download" download="{P.esc(self.filename)}" '
            f'href="data:{self.mime};base64,{payload}">⬇ {P.esc(self.label)}</a></div>'
        )


def handout_link(store_factory: Callable, participant) -> DownloadLink:
    """A person's own workshop as one HTML file (slkit.handout): answers, profile, commitments."""
    from slkit.handout import handout_html

    return DownloadLink(f"my-workshop-{participant.session_code}.html", lambda: handout_html(store_factory(), participant),
                        _("Download my workshop (a page to keep or print)"))
