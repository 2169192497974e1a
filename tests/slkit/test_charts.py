import json
import re

import pytest

from slkit import charts
from slkit.aggregate import Stat

TEAM = [Stat(5, 5.0, 1.5), Stat(5, 4.0, 0.5)]


def test_profile_figure_shows_own_bars_and_team_markers_with_spread():
    fig = charts.figure(charts.profile_figure(["A", "B"], own=[6.5, 3.0], team=TEAM, scale=(1, 10)))
    bar, team = fig.data
    assert bar.type == "bar" and bar.x == (6.5, 3.0) and bar.y == ("A", "B")
    assert team.x == (5.0, 4.0) and team.error_x.array == (1.5, 0.5)
    assert fig.layout.xaxis.range == (0.5, 10.5)


def test_profile_without_team_or_without_own():
    assert len(charts.profile_figure(["A"], own=[5], team=None, scale=(1, 10))["data"]) == 1
    spec = charts.profile_figure(["A"], own=None, team=[Stat(4, 5, None)], scale=(1, 10))
    assert [t["type"] for t in spec["data"]] == ["scatter"]


def test_distribution_figure_has_a_cell_per_rating_value():
    fig = charts.figure(charts.distribution_figure(["A"], [{1: 2, 5: 1}], scale=(1, 10)))
    assert [list(row) for row in fig.data[0].z] == [[2, 0, 0, 0, 1, 0, 0, 0, 0, 0]]
    assert fig.data[0].zmin == 0


def test_a_wrong_property_is_caught_by_plotly():
    spec = charts.profile_figure(["A"], own=[5], team=None, scale=(1, 10))
    spec["data"][0]["colour"] = "red"
    with pytest.raises(ValueError):
        charts.figure(spec)


def test_specs_are_json_and_need_no_network():
    bundle = charts.mime_bundle(charts.profile_figure(["<b>A</b>"], own=[5], team=TEAM[:1], scale=(1, 10)))
    spec = bundle["application/vnd.plotly.v1+json"]
    text = json.dumps(spec)
    assert spec["data"][0]["type"] == "bar" and spec["config"]["displayModeBar"] is False
    assert "http://" not in text and "https://" not in text


@pytest.mark.parametrize("spec", [charts.profile_figure(["A"], own=[5], team=TEAM[:1], scale=(1, 10)), charts.distribution_figure(["A"], [{}], scale=(1, 10))])
def test_figures_render_offline_to_html(spec):
    html = charts.figure(spec).to_html(include_plotlyjs=True, full_html=True)
    assert not re.search(r"<script[^>]+src=", html)  # nothing loaded from elsewhere
    assert len(html) > 1_000_000  # plotly.js inlined


def test_every_figure_has_a_table_of_its_numbers():
    """What a screen reader (or anyone wanting the exact figures) gets instead of the chart."""
    import re

    from slkit.charts import compare_figure, distribution_figure, figure_table, figure_title

    spec = compare_figure(["Autonomy", "Mastery <b>"], [("Today", [3.25, 4.0], [1.5, None]), ("Wanted", [5.0, 6.5], None)], (1, 10), "Your triad")
    table = figure_table(spec)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r) for r in rows]
    assert cells == [["Item", "Today", "Wanted"], ["Autonomy", "3.2 ± 1.5", "5"], ["Mastery &lt;b&gt;", "4", "6.5"]]
    assert figure_title(spec) == "Your triad"
    assert [t["marker"]["pattern"]["shape"] for t in spec["data"]] == ["", "/"]  # told apart without colour
    heat = figure_table(distribution_figure(["Model the Way"], [{3: 2, 5: 1}], (1, 5), "Ratings given"))
    assert re.findall(r"<td>(.*?)</td>", heat) == ["0", "0", "2", "0", "1"]
