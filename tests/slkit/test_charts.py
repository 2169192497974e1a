import json
import re

import plotly.graph_objects as go
import pytest

from slkit import charts
from slkit.aggregate import Stat


def test_profile_figure_shows_own_bars_and_team_markers_with_spread():
    fig = charts.profile_figure(["A", "B"], own=[6.5, 3.0], team=[Stat(3, 5.0, 1.5, 3, 7), Stat(3, 4.0, 0.5, 3.5, 4.5)], scale=(1, 10))
    bar, team = fig.data
    assert isinstance(bar, go.Bar) and bar.x == (6.5, 3.0) and bar.y == ("A", "B")
    assert team.x == (5.0, 4.0) and team.error_x.array == (1.5, 0.5)
    assert fig.layout.xaxis.range == (0.5, 10.5)


def test_profile_without_team_or_without_own():
    assert len(charts.profile_figure(["A"], own=[5], team=None, scale=(1, 10)).data) == 1
    fig = charts.profile_figure(["A"], own=None, team=[Stat(4, 5, 1, 4, 6)], scale=(1, 10))
    assert [type(t).__name__ for t in fig.data] == ["Scatter"]


def test_distribution_figure_has_a_cell_per_rating_value():
    fig = charts.distribution_figure(["A"], [{1: 2, 5: 1}], scale=(1, 10))
    assert [list(row) for row in fig.data[0].z] == [[2, 0, 0, 0, 1, 0, 0, 0, 0, 0]]
    assert fig.data[0].zmin == 0


def test_mime_bundle_is_json_and_needs_no_network():
    bundle = charts.mime_bundle(charts.profile_figure(["<b>A</b>"], own=[5], team=None, scale=(1, 10)))
    spec = bundle["application/vnd.plotly.v1+json"]
    text = json.dumps(spec)
    assert spec["data"][0]["type"] == "bar" and spec["config"]["displayModeBar"] is False
    assert "http://" not in text and "https://" not in text


@pytest.mark.parametrize("fig", [charts.profile_figure(["A"], own=[5], team=None, scale=(1, 10)), charts.distribution_figure(["A"], [{}], scale=(1, 10))])
def test_figures_render_offline_to_html(fig):
    html = fig.to_html(include_plotlyjs=True, full_html=True)
    assert not re.search(r"<script[^>]+src=", html)  # nothing loaded from elsewhere
    assert len(html) > 1_000_000  # plotly.js inlined
