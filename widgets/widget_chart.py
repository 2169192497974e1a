"""A plotly chart in a page; plotly.js is loaded only when a chart is shown.

In Voila the kit's server does not ship plotly's JupyterLab extension with every page (4.8 MB
that most pages never use). A chart is a placeholder plus a small script that loads the
kit's local copy of plotly.js once per browser (cached afterwards; never from the internet)
and draws the figure. In JupyterLab (self-study) the figure goes to plotly's own renderer.

Example::

    Chart(charts.profile_figure(["A"], own=[5], team=None, scale=(1, 10)))
"""

from __future__ import annotations

import copy
import json
import uuid

import ipywidgets as W

from slkit.charts import figure_table, figure_title, mime_bundle
from slkit.i18n import _

from . import page as P

PLOTLY_URL = "slkit/static/plotly.min.js"  # below the server's base URL; see slkit/server.py

_DRAW = """(function () {
  var spec = %(spec)s, id = %(id)s;
  function base() {
    try { return JSON.parse(document.getElementById('jupyter-config-data').textContent).baseUrl || '/'; }
    catch (e) { return '/'; }
  }
  if (!window.Plotly && !document.getElementById('slk-plotly')) {
    var s = document.createElement('script'), amd = window.define;
    s.id = 'slk-plotly'; s.src = base() + %(url)s;
    window.define = undefined;  /* plotly.js is UMD: make it a global, not an AMD module */
    s.onload = s.onerror = function () { window.define = amd; };
    document.head.appendChild(s);
  }
  (function draw(n) {
    var el = document.getElementById(id);
    if (!el || !window.Plotly) { if (n < 600) setTimeout(function () { draw(n + 1); }, 50); return; }
    window.Plotly.react(el, spec.data, spec.layout, spec.config);
  })(0);
})();"""


class _Raw:
    """Something IPython displays as the given mime bundle."""

    def __init__(self, bundle: dict):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle


def screen_spec(spec: dict) -> dict:
    """A figure for the room screen: type the back row can read, as tall as its box (CSS)."""
    spec = copy.deepcopy(spec)
    layout = spec["layout"]
    layout.pop("height", None)
    layout["font"] = {**layout.get("font", {}), "size": 22}
    layout.setdefault("title", {})["font"] = {"size": 28}
    layout["margin"] = {**layout.get("margin", {}), "t": 70}
    spec["config"] = {**spec.get("config", {}), "responsive": True}
    for trace in spec["data"]:
        if trace.get("type") == "heatmap":
            trace["textfont"] = {**trace.get("textfont", {}), "size": 20}
    return spec


class Chart(W.VBox):
    def __init__(self, spec: dict | None = None, *, height_css: str | None = None, **kwargs):
        self.height_css = height_css  # e.g. "56vh" on the room screen: the chart fills its box
        self.id = f"slk-chart-{uuid.uuid4().hex[:12]}"
        self.placeholder = W.HTML()
        self.output = W.Output()
        super().__init__([self.placeholder, self.output], **kwargs)
        self.spec: dict | None = None
        if spec is not None:
            self.show(spec)

    def show(self, spec: dict) -> None:
        self.spec = spec
        self.output.outputs = ()
        if not P.in_voila():
            self.placeholder.value = ""
            self.output.append_display_data(_Raw(mime_bundle(spec)))
            return
        from IPython.display import Javascript

        size = f"height:{self.height_css}" if self.height_css else f"min-height:{spec['layout'].get('height', 400)}px"
        # For people who cannot see the chart, and anyone who wants the exact figures: the chart
        # is one image named by its title, and its numbers are a table under it.
        title = P.esc(figure_title(spec))
        # (On the room screen, where nobody uses the page, the chart is named and nothing more.)
        table = (f'<details class="figure-figures"><summary>{_("{title}: the figures").format(title=title)}</summary>'
                 f'<div class="scroll">{figure_table(spec)}</div></details>' if not self.height_css else "")
        said = (_("{title}: chart. The same figures are in the table below it.") if table else _("{title}: chart.")).format(title=title)
        self.placeholder.value = (
            f'<div class="slk slk-figure"><div id="{self.id}" class="slk-chart" role="img" aria-label="{said}" '
            f'style="width:100%;{size}"></div>{table}</div>'
        )
        self.output.layout.display = "none"
        self.output.append_display_data(Javascript(_DRAW % {"spec": json.dumps(spec), "id": json.dumps(self.id), "url": json.dumps(PLOTLY_URL)}))

    def clear(self) -> None:
        self.spec = None
        self.placeholder.value = ""
        self.output.outputs = ()


def parts_view(parts: list, *, screen: bool = False) -> W.VBox:
    """A summary (slkit.summaries) on a page: HTML parts as blocks, figure specs as charts
    (on the room screen: large, a chart as tall as most of the screen)."""
    if screen:
        return W.VBox([Chart(screen_spec(p), height_css="58vh") if isinstance(p, dict) else P.block(p) for p in parts])
    return W.VBox([Chart(p) if isinstance(p, dict) else P.block(p) for p in parts])
