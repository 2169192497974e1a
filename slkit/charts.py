"""Plotly figures from the aggregates: pure functions from numbers to a figure spec.

A spec is the plotly JSON (data, layout, config) as plain dicts: cheap to build in a
participant's kernel (no plotly import there), drawn by plotly.js in the page, and turned
into a `plotly.graph_objects.Figure` with `figure(spec)` for exports and checks.

>>> spec = profile_figure(["Model the Way"], own=[6.5], team=None, scale=(1, 10))
>>> spec["data"][0]["x"]
[6.5]
"""

from __future__ import annotations

from typing import Sequence

from .aggregate import Stat

OWN = "#1a6fa3"
TEAM = "#e07b00"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14, "color": "#1f2933"}
CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def _spec(data: list[dict], height: int, scale: tuple[int, int], title: str | None) -> dict:
    layout = {
        "height": height, "margin": {"l": 10, "r": 10, "t": 56, "b": 30}, "font": FONT, "plot_bgcolor": "#ffffff",
        "title": {"text": title or "", "x": 0, "xanchor": "left"},
        "xaxis": {"range": [scale[0] - 0.5, scale[1] + 0.5], "dtick": 1, "gridcolor": "#e4e7eb", "zeroline": False, "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
    }
    return {"data": data, "layout": layout, "config": dict(CONFIG)}


def profile_figure(
    labels: Sequence[str], own: Sequence[float | None] | None, team: Sequence[Stat] | None, scale: tuple[int, int],
    title: str | None = None,
) -> dict:
    """Score per practice (or part): one's own as bars, the team's mean with its spread as markers."""
    data = []
    if own is not None:
        data.append({
            "type": "bar", "orientation": "h", "name": "You", "x": list(own), "y": list(labels),
            "marker": {"color": OWN}, "text": [f"{v:.1f}" if v is not None else "" for v in own],
            "textposition": "inside", "insidetextanchor": "start",
            "hovertemplate": "%{y}: %{x:.1f}<extra>You</extra>",
        })
    if team is not None:
        data.append({
            "type": "scatter", "mode": "markers", "name": "Team (mean ± spread)",
            "x": [s.mean for s in team], "y": list(labels),
            "marker": {"symbol": "diamond", "size": 14, "color": TEAM, "line": {"width": 1, "color": "#ffffff"}},
            "error_x": {"type": "data", "array": [s.sd or 0 for s in team], "color": TEAM, "thickness": 2, "width": 6},
            "customdata": [[s.n, s.sd or 0] for s in team],
            "hovertemplate": "%{y}: mean %{x:.1f}, spread ±%{customdata[1]:.1f}, %{customdata[0]} people<extra>Team</extra>",
        })
    return _spec(data, 110 + 48 * len(labels), scale, title)


def distribution_figure(labels: Sequence[str], counts: Sequence[dict[int, int]], scale: tuple[int, int], title: str | None = None) -> dict:
    """How often each rating was given, per practice: a heat map that shows where a team disagrees."""
    values = list(range(scale[0], scale[1] + 1))
    z = [[c.get(v, 0) for v in values] for c in counts]
    data = [{
        "type": "heatmap", "z": z, "x": values, "y": list(labels), "zmin": 0,
        "colorscale": [[0, "#f5f7fa"], [1, OWN]], "showscale": False,
        "text": z, "texttemplate": "%{text}", "hovertemplate": "%{y}, rating %{x}: %{z}<extra></extra>",
    }]
    return _spec(data, 110 + 48 * len(labels), scale, title)


def figure(spec: dict):
    """The spec as a plotly Figure (validated: a wrong property raises here)."""
    import plotly.graph_objects as go

    return go.Figure(data=spec["data"], layout=spec["layout"])


def mime_bundle(spec: dict) -> dict:
    """The spec as a display bundle for plotly's renderer in JupyterLab."""
    return {"application/vnd.plotly.v1+json": spec}
