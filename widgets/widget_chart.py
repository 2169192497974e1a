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
    layout["font"] = {**layout.get("font", {}), "size": SCREEN_TEXT}
    # The part's title is the screen's heading: the chart does not repeat it (it keeps it as its name).
    title = figure_title(spec)
    spec["meta"] = {**spec.get("meta", {}), "name": title}
    layout["title"] = {"text": ""}
    layout["margin"] = {**layout.get("margin", {}), "t": 10}
    spec["config"] = {**spec.get("config", {}), "responsive": True}
    # Every text the chart draws at 24 px or more: the axes' ticks (a phone's charts set them
    # smaller), the legend, the numbers on bars and in cells; a cloud's words keep their sizes.
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            axis["tickfont"] = {**axis.get("tickfont", {}), "size": SCREEN_TEXT}
    layout["legend"] = {**layout.get("legend", {}), "font": {**layout.get("legend", {}).get("font", {}), "size": SCREEN_TEXT}}
    for trace in spec["data"]:
        size = trace.get("textfont", {}).get("size")
        if trace.get("text") is not None and not isinstance(size, list) and (size is None or size < SCREEN_TEXT):
            trace["textfont"] = {**trace.get("textfont", {}), "size": SCREEN_TEXT}
    return spec


SCREEN_TEXT = 24  # px: the least the back row reads on a 1280x720 projector


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
        cloud = (spec.get("meta") or {}).get("kind") == "cloud"
        # (On the room screen, where nobody uses the page, the chart is named and nothing more. A
        # word cloud's text alternative is the ranked list beside it.)
        table = (f'<details class="figure-figures"><summary>{_("{title}: the figures").format(title=title)}</summary>'
                 f'<div class="scroll">{figure_table(spec)}</div></details>' if not self.height_css and not cloud else "")
        said = (_("{title}: word cloud. The same words, with how many people used each, are in the list beside it.") if cloud else
                _("{title}: chart. The same figures are in the table below it.") if table else _("{title}: chart.")).format(title=title)
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
    """A summary (slkit.summaries) on a page: HTML parts as blocks, figure specs as charts,
    tables and lists as HTML, themes as a word cloud with its ranked list beside it (on the room
    screen: large, a chart as tall as most of the screen)."""
    from slkit.summaries import Rows, Themes

    def view(p):
        if isinstance(p, Themes):
            from slkit.themes import screen_cloud

            cloud = Chart(screen_spec(screen_cloud(p.figure)) if screen else p.figure, height_css="60vh" if screen else None,
                          layout=W.Layout(flex="3 1 420px", min_width="0"))
            terms = P.block(p.list_html(), cls="themes-terms")
            terms.layout = W.Layout(flex="2 1 220px", min_width="0")
            box = W.HBox([cloud, terms], layout=W.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
            box.add_class("slk-themes")
            return box
        if isinstance(p, Rows):
            return P.block(p.html())
        if isinstance(p, dict):
            return Chart(screen_spec(p), height_css="58vh") if screen else Chart(p)
        return P.block(p)

    return W.VBox([view(p) for p in parts])
