"""A plotly figure in a page, sent as data to the renderer the page already has.

No FigureWidget (it costs a kernel ~60 MB and sends plotly.js again with every figure), and no
plotly.io (its import is slow): just the figure's JSON.

Example::

    Chart(charts.profile_figure(["A"], own=[5], team=None, scale=(1, 10)))
"""

from __future__ import annotations

import ipywidgets as W

from slkit.charts import mime_bundle


class Chart(W.Output):
    def __init__(self, fig=None, **kwargs):
        super().__init__(**kwargs)
        if fig is not None:
            self.show(fig)

    def show(self, fig) -> None:
        self.outputs = ()
        self.append_display_data(_Raw(mime_bundle(fig)))


class _Raw:
    """Something IPython displays as the given mime bundle."""

    def __init__(self, bundle: dict):
        self.bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self.bundle
