"""Plotly figures from the aggregates: pure functions, no kernel and no network needed.

A figure carries its data in itself; shown in Voila through the plotly mime renderer that the
kit serves, and written into the HTML report with plotly.js inlined, it needs no internet.

>>> fig = profile_figure(["Model the Way"], own=[6.5], team=None, scale=(1, 10))
>>> fig.data[0].x
(6.5,)
"""

from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from .aggregate import Stat

OWN = "#1a6fa3"
TEAM = "#e07b00"
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=14, color="#1f2933")


def _layout(height: int, scale: tuple[int, int], **extra) -> dict:
    return dict(
        height=height, margin=dict(l=10, r=10, t=40, b=30), font=FONT, plot_bgcolor="#ffffff",
        xaxis=dict(range=[scale[0] - 0.5, scale[1] + 0.5], dtick=1, gridcolor="#e4e7eb", zeroline=False),
        yaxis=dict(autorange="reversed", automargin=True),
        legend=dict(orientation="h", y=1.12, x=0), **extra,
    )


def profile_figure(
    labels: Sequence[str], own: Sequence[float | None] | None, team: Sequence[Stat] | None, scale: tuple[int, int],
    title: str | None = None,
) -> go.Figure:
    """Score per practice (or part): one's own as bars, the team's mean with its spread as markers."""
    data = []
    if own is not None:
        data.append(go.Bar(
            x=list(own), y=list(labels), orientation="h", name="You", marker_color=OWN,
            text=[f"{v:.1f}" if v is not None else "" for v in own], textposition="inside", insidetextanchor="start",
            hovertemplate="%{y}: %{x:.1f}<extra>You</extra>",
        ))
    if team is not None:
        data.append(go.Scatter(
            x=[s.mean for s in team], y=list(labels), mode="markers", name="Team (mean ± spread)",
            marker=dict(symbol="diamond", size=14, color=TEAM, line=dict(width=1, color="#ffffff")),
            error_x=dict(type="data", array=[s.sd or 0 for s in team], color=TEAM, thickness=2, width=6),
            customdata=[[s.n, s.sd or 0] for s in team],
            hovertemplate="%{y}: mean %{x:.1f}, spread ±%{customdata[1]:.1f}, %{customdata[0]} people<extra>Team</extra>",
        ))
    return go.Figure(data=data, layout=_layout(90 + 48 * len(labels), scale, title=dict(text=title or "")))


def distribution_figure(labels: Sequence[str], counts: Sequence[dict[int, int]], scale: tuple[int, int], title: str | None = None) -> go.Figure:
    """How often each rating was given, per practice: a heat map that shows where a team disagrees."""
    values = list(range(scale[0], scale[1] + 1))
    z = [[c.get(v, 0) for v in values] for c in counts]
    fig = go.Figure(
        data=[go.Heatmap(
            z=z, x=values, y=list(labels), colorscale=[[0, "#f5f7fa"], [1, OWN]], showscale=False, zmin=0,
            text=z, texttemplate="%{text}", hovertemplate="%{y}, rating %{x}: %{z}<extra></extra>",
        )],
        layout=_layout(90 + 48 * len(labels), scale, title=dict(text=title or "")),
    )
    return fig


def mime_bundle(fig: go.Figure) -> dict:
    """The figure as a display bundle for the plotly renderer (no plotly.io import: it is slow)."""
    spec = fig.to_plotly_json()
    spec["config"] = {"displaylogo": False, "responsive": True, "displayModeBar": False}
    return {"application/vnd.plotly.v1+json": spec}
