"""The HTML report: it opens in Chromium with no request leaving the file, draws its charts, and
holds the numbers of the answers given; modules below the anonymity threshold show nothing."""

import statistics

from slkit import board as B
from slkit.content import get_framework
from slkit.report import export

FP = get_framework("five_practices")
SW = get_framework("social_team_swot")


def test_the_report_is_self_contained_and_holds_the_numbers(kit, tmp_path):
    store = kit.server.store()
    session = store.create_session("Report test", threshold=3)
    people = [store.join(session.code) for _ in range(3)]
    first = FP.steps[0]
    for k, p in enumerate(people):
        store.save_answers(p, FP.id, {**{i.id: 2 + 3 * k for i in first.items}, "commitment_1": f"Commit <b>{k}</b>"})
    boards = [B.StoreBoard(SW, store, p) for p in people]
    item = boards[0].add("swot_item", "strengths", "<script>alert(1)</script> we are quick")
    for b in boards:
        b.vote(item.id)
    store.save_answers(people[0], "motivation_triad", {"autonomy_task_today": 4})  # one person: stays hidden
    path = export(store, session.code, "html", tmp_path / "report.html")[0]

    pg = kit.context.new_page()
    requests, dialogs = [], []
    pg.on("request", lambda r: requests.append(r.url))
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.goto(path.as_uri())
    pg.locator(".chart .main-svg").first.wait_for()  # plotly.js drew from inside the file
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert dialogs == []

    scores = [statistics.fmean(2 + 3 * k for _ in first.items) for k in range(3)]
    row = pg.locator(f".module[data-module='five_practices'] .team-table tr[data-step='{first.id}']")
    assert row.locator(".mean").inner_text() == f"{statistics.fmean(scores):.1f}"
    assert row.locator(".sd").inner_text() == "–"  # three people: no spread in the report either
    assert sorted(pg.locator("ul.commitments li").all_inner_texts()) == ["Commit <b>0</b>", "Commit <b>1</b>", "Commit <b>2</b>"]
    swot = pg.locator(".module[data-module='social_team_swot'] ul.board-column li.entry")
    assert swot.locator(".text").inner_text() == "<script>alert(1)</script> we are quick"
    assert swot.locator(".votes").inner_text() == "3"
    triad = pg.locator(".module[data-module='motivation_triad']")
    assert "Fewer than 3 people took part" in triad.inner_text() and triad.locator("table").count() == 0
    assert "3 participants joined" in pg.locator("p.muted").first.inner_text()
    pg.set_viewport_size({"width": 1280, "height": 800})
    kit.screenshot(pg, "report")
