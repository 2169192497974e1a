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

from . import i18n
from .aggregate import Stat
from .i18n import _

OWN = "#1a6fa3"
TEAM = "#e07b00"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14, "color": "#1f2933"}
CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def wrap_label(label: str, width: int = 16) -> str:
    """A category's name on as many lines of about `width` characters as it needs (plotly breaks
    at <br>): on a phone a long practice name took 60 % of the chart's width on one line.

    >>> wrap_label("Gjør andre i stand til å handle"), wrap_label("Model the Way")
    ('Gjør andre i<br>stand til å<br>handle', 'Model the Way')
    """
    from .text import esc

    lines: list[str] = []
    for word in str(label).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(esc(line) for line in lines)


def _categories(layout: dict, labels: Sequence[str]) -> None:
    """The y axis names its categories with wrapped labels (the data keep the names as they are)."""
    layout["yaxis"].update(tickmode="array", tickvals=list(labels), ticktext=[wrap_label(v) for v in labels])


def _spec(data: list[dict], height: int, scale: tuple[int, int], title: str | None) -> dict:
    layout = {
        "height": height + 30, "margin": {"l": 10, "r": 10, "t": 40, "b": 70}, "font": FONT, "plot_bgcolor": "#ffffff",
        "separators": _(".,"),  # the decimal mark, then the thousands separator, as the language writes them
        "title": {"text": title or "", "x": 0, "xanchor": "left"},
        "xaxis": {"range": [scale[0] - 0.5, scale[1] + 0.5], "dtick": 1, "tickangle": 0, "gridcolor": "#e4e7eb", "zeroline": False, "fixedrange": True,
                  "tickfont": {"size": 12}},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        # The legend under the chart: above, it crowds the title on a phone.
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top", "traceorder": "normal"},
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
            "type": "bar", "orientation": "h", "name": _("You"), "x": list(own), "y": list(labels),
            # (Beside the team's marker the number would sit on it: then the figures' table has it.)
            "marker": {"color": OWN}, "text": [i18n.number(v, 1) if v is not None and team is None else "" for v in own],
            # At the bar's end (outside it when the bar is short), never against the practice's name.
            "textposition": "auto", "insidetextanchor": "end", "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:.1f}<extra>" + _("You") + "</extra>",
        })
    if team is not None:
        data.append({
            "type": "scatter", "mode": "markers", "name": _("Team (mean ± spread)"),
            "x": [s.mean for s in team], "y": list(labels),
            "marker": {"symbol": "diamond", "size": 14, "color": TEAM, "line": {"width": 1, "color": "#ffffff"}},
            "error_x": {"type": "data", "array": [s.sd or 0 for s in team], "color": TEAM, "thickness": 2, "width": 6},
            "customdata": [[s.n] for s in team],
            "hovertemplate": _("%{y}: mean %{x:.1f}, %{customdata[0]} people") + "<extra>" + _("Team") + "</extra>",
        })
    spec = _spec(data, 110 + 48 * len(labels), scale, title)
    _categories(spec["layout"], labels)
    return spec


def distribution_figure(labels: Sequence[str], counts: Sequence[dict[int, int]], scale: tuple[int, int], title: str | None = None) -> dict:
    """How often each rating was given, per practice: a heat map that shows where a team disagrees."""
    values = list(range(scale[0], scale[1] + 1))
    z = [[c.get(v, 0) for v in values] for c in counts]
    data = [{
        "type": "heatmap", "z": z, "x": values, "y": list(labels), "zmin": 0,
        # Light to mid blue under dark text: every count readable at 4.5:1 or better.
        "colorscale": [[0, "#f5f7fa"], [1, "#8fbfe0"]], "showscale": False,
        "text": z, "texttemplate": "%{text}", "textfont": {"color": "#1f2933", "size": 12}, "xgap": 1, "ygap": 2,
        "hovertemplate": _("%{y}, rating %{x}: %{z}") + "<extra></extra>",
    }]
    spec = _spec(data, 110 + 48 * len(labels), scale, title)
    _categories(spec["layout"], labels)
    return spec


def compare_figure(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], Sequence[float | None] | None]],
    scale: tuple[int, int], title: str | None = None,
) -> dict:
    """Bars side by side per label, e.g. today against wanted; each series (name, values, spreads or None).

    With spreads, each bar carries an error bar (the team's spread). Values show on hover; a
    table beside the chart carries the exact numbers.
    """
    colours = [OWN, TEAM, "#5a7d2a", "#7b3fa0"]
    patterns = ["", "/", ".", "x"]  # series told apart without colour too
    data = []
    for k, (name, values, spreads) in enumerate(series):
        trace = {
            "type": "bar", "orientation": "h", "name": name, "x": list(values), "y": list(labels),
            "marker": {"color": colours[k % len(colours)], "pattern": {"shape": patterns[k % len(patterns)], "fgcolor": "#ffffff", "fillmode": "overlay"}},
            "hovertemplate": "%{y}: %{x:.1f}<extra>" + name + "</extra>",
        }
        if spreads is not None:
            trace["error_x"] = {"type": "data", "array": [s or 0 for s in spreads], "color": "#1f2933", "thickness": 1.5, "width": 5}
        data.append(trace)
    spec = _spec(data, 150 + 30 * len(series) * len(labels), scale, title)
    spec["layout"].update(barmode="group")
    _categories(spec["layout"], labels)
    return spec


def count_figure(labels: Sequence[str], counts: Sequence[int], title: str | None = None) -> dict:
    """How many people chose each option, longest bar first as given."""
    data = [{
        "type": "bar", "orientation": "h", "x": list(counts), "y": list(labels), "marker": {"color": OWN},
        "text": [str(c) for c in counts], "textposition": "outside", "cliponaxis": False,
        "hovertemplate": "%{y}: %{x}<extra></extra>",
    }]
    top = max([1, *counts])
    spec = _spec(data, 110 + 40 * len(labels), (0, top), title)
    spec["layout"]["xaxis"].update(range=[0, top * 1.15 + 0.5], dtick=None)
    spec["layout"]["showlegend"] = False
    _categories(spec["layout"], labels)
    return spec


def figure(spec: dict):
    """The spec as a plotly Figure (validated: a wrong property raises here)."""
    import plotly.graph_objects as go

    return go.Figure(data=spec["data"], layout=spec["layout"])


def mime_bundle(spec: dict) -> dict:
    """The spec as a display bundle for plotly's renderer in JupyterLab."""
    return {"application/vnd.plotly.v1+json": spec}


def figure_title(spec: dict) -> str:
    """A figure's name: its title (or, drawn without one on the room screen, the name kept for it)."""
    title = spec.get("layout", {}).get("title")
    return (title.get("text") if isinstance(title, dict) else title) or (spec.get("meta") or {}).get("name") or _("Chart")


def _number(v) -> str:
    if v is None:
        return "–"
    return i18n.number(v, 1, fixed=False) if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def figure_table(spec: dict) -> str:
    """The numbers of a figure as an HTML table, for people who cannot see the chart (and for
    anyone who wants the exact figures): a row per category, a column per series (a spread as
    "± s"); a heat map's rows and columns as they are drawn."""
    from .text import esc

    rows: list[list[str]]
    traces = spec.get("data", [])
    heat = next((tr for tr in traces if tr.get("type") == "heatmap"), None)
    if heat is not None:
        head = [""] + [_number(x) for x in heat["x"]]
        rows = [[str(y)] + [_number(v) for v in z] for y, z in zip(heat["y"], heat["z"])]
    else:
        labels = list(dict.fromkeys(y for tr in traces for y in tr.get("y", [])))
        head = [""] + [tr.get("name") or _("Value") for tr in traces]
        rows = []
        for label in labels:
            row = [str(label)]
            for tr in traces:
                ys = list(tr.get("y", []))
                if label not in ys:
                    row.append("–")
                    continue
                i = ys.index(label)
                value = _number(tr["x"][i])
                spread = (tr.get("error_x") or {}).get("array")
                if spread and spread[i]:
                    value += f" ± {_number(float(spread[i]))}"
                row.append(value)
            rows.append(row)
    th = "".join(f"<th scope='col'>{esc(h or _('Item'))}</th>" for h in head)
    body = "".join("<tr><th scope='row'>" + esc(r[0]) + "</th>" + "".join(f"<td>{esc(c)}</td>" for c in r[1:]) + "</tr>" for r in rows)
    return f"<table class='figure-table'><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
