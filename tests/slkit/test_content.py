import shutil
from pathlib import Path

import pytest

from slkit import InputError
from slkit.content import ContentError, load_framework, load_frameworks
from slkit.paths import FRAMEWORKS_DIR, WORKSHOPS_DIR

MODULES = ["purpose_first", "motivation_triad", "social_team_swot", "five_practices"]


def test_all_four_modules_and_the_follow_up_load_in_workshop_order():
    frameworks = load_frameworks()
    assert list(frameworks) == [*MODULES, "follow_up"]
    assert [fw.order for fw in frameworks.values()] == [1, 2, 3, 4, 5]
    for fw in frameworks.values():
        assert fw.notebook.startswith(f"0{fw.order}_")
    assert [m for m, fw in frameworks.items() if fw.default_plan] == MODULES  # the follow-up only where a session takes it on


def test_the_follow_up_asks_the_five_practices_again_with_the_same_ids():
    fu, fp = load_frameworks()["follow_up"], load_frameworks()["five_practices"]
    rated = [i.id for i in fp.items if i.kind == "rating"]
    assert [i.id for s in fu.reused_steps for i in s.items] == rated
    assert [s.id for s in fu.own_steps] == ["commitments", "goal", "team"]
    assert fu.item(rated[0]).text == fp.item(rated[0]).text and "frequency" in fu.scales
    nb = load_frameworks(language="nb")["follow_up"]
    assert nb.item(rated[0]).text == load_frameworks(language="nb")["five_practices"].item(rated[0]).text


def test_five_practices_has_two_commitments_and_six_behaviours_per_practice():
    fw = load_frameworks()["five_practices"]
    practices = [s for s in fw.steps if s.id != "commitments"]
    assert [p.title for p in practices] == [
        "Model the Way", "Inspire a Shared Vision", "Challenge the Process", "Enable Others to Act", "Encourage the Heart",
    ]
    for p in practices:
        assert len(p.groups) == 2
        assert len(p.items) == 6 and all(i.kind == "rating" and i.scale == "frequency" for i in p.items)
    assert (fw.scales["frequency"].min, fw.scales["frequency"].max) == (1, 10)


def test_motivation_triad_rates_today_and_wanted_for_each_part():
    fw = load_frameworks()["motivation_triad"]
    ratings = [i for i in fw.items if i.kind == "rating"]
    for part in ("autonomy", "mastery", "purpose"):
        today = {i.tags["facet"] for i in ratings if i.tags["part"] == part and i.tags["when"] == "today"}
        wanted = {i.tags["facet"] for i in ratings if i.tags["part"] == part and i.tags["when"] == "wanted"}
        assert today == wanted and today
    assert {i.tags["facet"] for i in ratings if i.tags["part"] == "autonomy"} == {"task", "time", "technique", "team"}


def test_swot_has_four_quadrants_and_four_tows_cells():
    fw = load_frameworks()["social_team_swot"]
    assert fw.item("swot_item").option_ids() == ["strengths", "weaknesses", "opportunities", "threats"]
    assert fw.item("tows_strategy").option_ids() == ["so", "st", "wo", "wt"]


@pytest.mark.parametrize(
    "item, value, stored",
    [
        ("mw_voice_purpose", 7, 7),
        ("mw_voice_purpose", 7.0, 7),
        ("commitment_1", "  Post weekly 📣 ", "Post weekly 📣"),
        ("commitment_1_date", "2026-12-31", "2026-12-31"),
    ],
)
def test_answers_are_normalised(item, value, stored):
    assert load_frameworks()["five_practices"].validate_value(item, value) == stored


@pytest.mark.parametrize(
    "module, item, value, message",
    [
        ("five_practices", "mw_voice_purpose", 11, "from 1 to 10"),
        ("five_practices", "mw_voice_purpose", 0, "from 1 to 10"),
        ("five_practices", "mw_voice_purpose", True, "whole number"),
        ("five_practices", "mw_voice_purpose", "7", "whole number"),
        ("five_practices", "commitment_1", "", "empty"),
        ("five_practices", "commitment_1", "x" * 201, "limit is 200"),
        ("five_practices", "commitment_1_date", "31.12.2026", "2026-12-31"),
        ("five_practices", "no_such_item", 1, "no question"),
        ("purpose_first", "objectives", ["brand", "brand"], "once"),
        ("purpose_first", "objectives", ["brand", "recruit", "listen", "other"], "at most 3"),
        ("purpose_first", "objectives", ["tiktok"], "not one of the options"),
        ("purpose_first", "objectives", [], "at least one"),
        ("social_team_swot", "swot_item", {"column": "nope", "text": "x"}, "where the entry belongs"),
    ],
)
def test_bad_answers_are_refused(module, item, value, message):
    with pytest.raises(InputError, match=message):
        load_frameworks()[module].validate_value(item, value)


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "five_practices.yaml"
    text = (FRAMEWORKS_DIR / "five_practices.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("        scale: frequency\n", "        scale: freq\n", r"steps\[0\]\.items\[0\]\.scale: unknown scale 'freq'; expected one of: frequency"),
        ("        group: mw_voice\n", "        group: nowhere\n", r"steps\[0\]\.items\[0\]\.group: unknown group 'nowhere'"),
        ("        kind: rating\n", "        kind: slider\n", r"steps\[0\]\.items\[0\]\.kind: Input should be 'rating'"),
        ("title: The five practices", "titel: The five practices", r"titel: Extra inputs are not permitted"),
        ("    max: 10\n", "    max: [10\n", r"not valid YAML at line \d+"),
        ("      - id: mw_voice_medium\n", "      - id: mw_voice_purpose\n", r"'mw_voice_purpose' is used twice"),
        ("id: five_practices\n", "id: five\n", r"id: 'five' must match the file name"),
    ],
)
def test_a_broken_file_names_file_field_and_expectation(tmp_path, old, new, expected):
    path = _broken(tmp_path, old, new)
    with pytest.raises(ContentError, match=expected) as info:
        load_framework(path)
    assert str(path) in str(info.value)


def test_every_item_id_is_unique_within_a_module_and_notebooks_named_in_content_are_real_names():
    for fw in load_frameworks().values():
        ids = [i.id for i in fw.items]
        assert len(ids) == len(set(ids))
    # Notebooks that exist must be named by exactly one module (or be the landing page / board).
    named = {fw.notebook for fw in load_frameworks().values()}
    for nb in WORKSHOPS_DIR.glob("*.ipynb"):
        assert nb.name in named | {"index.ipynb", "facilitator.ipynb", "screen.ipynb", "observer.ipynb", "my_360.ipynb"}, nb.name


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ContentError, match="no module content"):
        load_frameworks(tmp_path)


def test_folder_with_all_files_copied_loads(tmp_path):
    for f in FRAMEWORKS_DIR.glob("*.yaml"):
        shutil.copy(f, tmp_path)
    assert list(load_frameworks(tmp_path)) == list(load_frameworks())
