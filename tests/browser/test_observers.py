"""Observers (a 360) from the person's first link to their handout, each observer in a browser of
their own:

- Ann rated herself in the five practices; her page (linked from her home) makes one link per
  observer: a manager, three peers, two direct reports, and one more she then withdraws;
- the observers answer in their own browsers (one of them the whole form, by keyboard and mouse,
  with a hostile comment; one in Norwegian); a second browser on a used link is told it is in
  use, the withdrawn link says so;
- before the close Ann sees counts only, and so does the facilitator's console;
- after the close: self beside all observers, the manager (marked not anonymous) and the peers;
  the two direct reports only in "all observers"; the ranking and the gaps; the handout; an
  observer still on the page is told plainly their late answer does not count.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from slkit import observers as O
from slkit.content import get_framework
from slkit.sessions import join_link

from tests.conftest import english_words

from .conftest import ARTIFACTS, PAGE_TIMEOUT_MS, Kit

FP = get_framework("five_practices")
RATINGS = [i.id for i in FP.items if i.kind == "rating"]


def phone(browser, **kw):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, **kw)
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    return ctx


def marker(ctx) -> str:
    """The marker the observer's browser keeps (an HttpOnly cookie: the page cannot read it)."""
    for _ in range(50):
        found = [c for c in ctx.cookies() if c["name"] == "slk_observer"]
        if found:
            assert found[0]["httpOnly"]
            return found[0]["value"]
        ctx.pages[0].wait_for_timeout(100)
    raise AssertionError("the observer's browser got no marker")


def test_a_360_from_the_links_to_the_handout(kit, browser, audit, tmp_path):
    store = kit.server.store()
    s = store.create_session("Leading online", threshold=3, modules=["five_practices"], start_open=True)
    contexts = []
    try:
        ann_ctx = phone(browser)
        contexts.append(ann_ctx)
        ann = ann_ctx.new_page()
        ann.goto(join_link(kit.server.base_url, s.code))
        ann.get_by_label("Your name (optional)").fill("Ann")
        ann.get_by_role("button", name="Join the session", exact=True).click()
        card = ann.locator(".observers-card")
        card.wait_for()
        assert "After the five practices" in card.inner_text()
        card.click()
        ann.locator(".note-360").wait_for()
        assert "You have rated 0 of 30" in ann.locator(".note-360").inner_text()  # first herself
        token = next(c["value"] for c in ann_ctx.cookies() if c["name"] == f"slk_{s.code}")
        me = store.resume(s.code, token=token)
        own = {i: 5 for i in RATINGS}
        own[RATINGS[0]] = 9   # she sees it far more often than others will: a blind spot
        own[RATINGS[1]] = 2   # and this far less: a hidden strength
        store.save_answers(me, "five_practices", own)
        ann.reload()

        # ---- inviting: the name, the links (one per observer), shown once.
        ann.get_by_role("textbox", name="Your name as observers see it").fill("Ann B.")
        ann.get_by_role("spinbutton", name="Manager").fill("1")
        ann.get_by_role("spinbutton", name="Direct reports").fill("2")
        ann.get_by_role("spinbutton", name="Peers").fill("3")
        ann.get_by_role("spinbutton", name="Others").fill("1")
        ann.get_by_role("button", name="Make the links").click()
        links = ann.locator(".link-360 input")
        expect(links).to_have_count(7)
        urls = [links.nth(i).input_value() for i in range(7)]
        assert len(set(urls)) == 7 and all(re.search(r"/voila/render/observer\.ipynb\?invite=[\w-]{22,}$", u) for u in urls)
        assert not any(s.code in u or token in u for u in urls)  # a link names no one and opens nothing else
        mail = ann.locator(".link-360 a.mail-360").first.get_attribute("href")
        assert mail.startswith("mailto:?subject=") and "Ann%20B." in mail
        audit(ann, "360: the links made")
        Kit.screenshot(ann, "observers_invite_phone", full=True)
        manager, d1, d2, p1, p2, p3, other = urls

        # She withdraws the one for "others": it was never opened.
        ann.get_by_role("button", name="Withdraw Others, link 1").click()
        ann.locator(".widget-html", has_text="Others, link 1: withdrawn").wait_for()
        # The same page in Norwegian (the links are not shown again: the store keeps only their hashes).
        ann.goto(ann.url.split("?")[0] + f"?session={s.code}&lang=nb")
        ann.get_by_role("button", name="Lag lenkene").wait_for()
        assert ann.locator(".link-360").count() == 0 and "Andre, lenke 1: trukket tilbake" in ann.locator(".slk").all_inner_texts().__str__()
        assert english_words(ann.locator("#rendered_cells").inner_text()) == []
        audit(ann, "360: the person's page in Norwegian")
        Kit.screenshot(ann, "observers_invite_phone_nb", full=True)
        ann.goto(ann.url.split("?")[0] + f"?session={s.code}&lang=en")
        ann.get_by_role("button", name="Make the links").wait_for()

        # ---- the observers, each in their own browser.
        def opens(url, **kw):
            ctx = phone(browser, **kw)
            contexts.append(ctx)
            pg = ctx.new_page()
            pg.goto(url)
            pg.locator(".slk h1").wait_for()
            return ctx, pg

        # A peer, the whole form: the first scale by keyboard, the rest by touch, a hostile comment.
        p1_ctx, peer = opens(p1)
        expect(peer.get_by_role("heading", level=1)).to_have_text("How do you see Ann B.?")
        assert "Anonymous: Ann B. sees your answers only together with others" in peer.content()
        audit(peer, "observer's page, first practice")
        Kit.screenshot(peer, "observer_page_phone", full=False)
        first = peer.get_by_role("radiogroup").first
        first.get_by_role("radio", name="1", exact=True).focus()
        for _ in range(6):
            peer.keyboard.press("ArrowRight")  # to 7
        expect(first.get_by_role("radio", name="7", exact=True)).to_have_attribute("aria-checked", "true")
        for page_no in range(5):
            groups = peer.get_by_role("radiogroup")
            for g in range(groups.count()):
                if page_no == 0 and g == 0:
                    continue
                value = {0: "8", 1: "8"}.get(g, "6") if page_no == 0 else "6"
                groups.nth(g).get_by_role("radio", name=value, exact=True).click()
            if page_no == 0:
                peer.get_by_role("textbox").fill("<script>alert('x')</script> =1+1 Clear about purpose")
            peer.locator(".savebar", has_text="Saved").wait_for()
            if page_no < 4:
                before = peer.locator(".slk-step-title p.muted").inner_text()
                peer.get_by_role("button", name="Next", exact=True).click()
                expect(peer.locator(".slk-step-title p.muted")).not_to_have_text(before)
        peer.get_by_role("button", name="Finish", exact=True).click()
        peer.locator(".done").wait_for()
        answers = O.open_invitation(store, p1.split("invite=")[1], marker(p1_ctx)).answers
        assert len([i for i in RATINGS if i in answers]) == 30 and answers[RATINGS[0]] == 7

        # The same link in a second browser: in use. Back in the first: her answers are there.
        _c, again = opens(p1)
        assert "in use in another browser" in again.locator(".link-state").inner_text()
        peer.reload()
        peer.get_by_role("radiogroup").first.wait_for()
        expect(peer.get_by_role("radiogroup").first.get_by_role("radio", name="7", exact=True)).to_have_attribute("aria-checked", "true")

        # The withdrawn link says so.
        _c, gone = opens(other)
        assert "withdrawn" in gone.locator(".link-state").inner_text()

        # The others open their links in their browsers (one in Norwegian) and answer.
        def answer(url, value, *, lang=None, comment=None):
            ctx, pg = opens(url + (f"&lang={lang}" if lang else ""))
            fw = O.observer_framework(lang or "en")
            extra = {"comment_model_the_way": comment} if comment else {}
            values = {i: value for i in RATINGS}
            values[RATINGS[0]], values[RATINGS[1]] = 4, 8
            O.save(store, url.split("invite=")[1], marker(ctx), {**values, **extra}, fw)
            return pg

        mgr = answer(manager, 3, comment="Posts with a clear aim")
        answer(p2, 7, comment="Answers questions quickly")
        nb = answer(p3, 6, lang="nb", comment="Deler raust")
        expect(nb.get_by_role("heading", level=1)).to_have_text("Hvordan ser du Ann B.?")
        assert english_words(nb.locator("#rendered_cells").inner_text()) == []
        audit(nb, "observer's page in Norwegian")
        Kit.screenshot(nb, "observer_page_phone_nb", full=False)
        answer(d1, 8, comment="DIRECT REPORT ONE")
        answer(d2, 9, comment="DIRECT REPORT TWO")
        mgr.reload()  # the manager is on the page, typing, when Ann closes
        mgr.get_by_role("radiogroup").first.wait_for()

        # ---- before the close: counts only, for Ann and for the facilitator.
        ann.reload()
        table = ann.locator("table.invites-360")
        table.wait_for()
        assert re.search(r"Peers\s+3\s+3", table.inner_text()) and re.search(r"Direct reports\s+2\s+2", table.inner_text())
        assert ann.locator("table.t360").count() == 0 and "DIRECT REPORT" not in ann.content()
        console = kit.facilitator_opens_board(s.code, s.key, width=1366)
        console.get_by_role("tab", name="Settings and exports").click()
        counts = console.locator(".observer-counts")
        counts.wait_for()
        assert "1 person invited observers; 6 observers answered." in counts.inner_text()
        assert "Ann B." not in console.content() and "Posts with a clear aim" not in console.content()

        # ---- Ann closes the round.
        ann.get_by_role("button", name="Close the round and show my 360").click()
        ann.get_by_role("button", name="Yes, close it now").click()
        view = ann.locator("table.practices-360")
        view.wait_for()
        first = view.locator("tbody").first
        assert first.locator("th[scope=rowgroup]").inner_text() == FP.steps[0].title
        assert first.locator("th[scope=row]").all_inner_texts() == ["You", "All observers (6)", "Manager (1, not anonymous)", "Peers (3)"]
        assert "Direct reports (2)" in ann.locator(".folded").inner_text()
        # Model the Way: her own mean (9 + 2 + 4 × 5) / 6; the manager's 3 but two at 4 and 8 → (4 + 8 + 4 × 3) / 6
        assert first.locator(".value").all_inner_texts()[0] == "5.2"
        assert first.locator(".value").all_inner_texts()[2] == "4.0"
        ranked = ann.locator("table.ranked-360 tbody tr")
        expect(ranked).to_have_count(30)
        assert FP.item(RATINGS[1]).text in ann.locator("ul.strengths-360").inner_text()
        assert FP.item(RATINGS[0]).text in ann.locator("ul.blind-spots-360").inner_text()
        comments = ann.locator(".comments-360").all_inner_texts()
        joined = " ".join(comments)
        assert "Posts with a clear aim" in joined and "<script>alert('x')</script> =1+1" in joined and "Deler raust" in joined
        assert "DIRECT REPORT" not in ann.content()  # a group below its minimum: no comments of its own
        audit(ann, "360: the view after the close")
        ann.locator(".counts-360").scroll_into_view_if_needed()
        Kit.screenshot(ann, "observers_360_top_phone", full=False)
        Kit.screenshot(ann, "observers_360_phone", full=True)

        # The manager's late answer: plainly not counted, never "Saved".
        mgr.get_by_role("radiogroup").first.get_by_role("radio", name="10", exact=True).click()
        mgr.locator(".savebar", has_text="not counted").wait_for()
        assert "Saved" not in mgr.locator(".savebar").inner_text()
        _c, late = opens(p2)
        assert "closed" in late.locator(".link-state").inner_text()

        # In Norwegian, the same 360.
        ann.goto(ann.url.split("?")[0] + f"?session={s.code}&lang=nb")
        ann.locator("table.practices-360").wait_for()
        assert "Leder (1, ikke anonym)" in ann.locator("table.practices-360").inner_text()
        page_text = ann.locator("#rendered_cells").inner_text()
        for comment in ann.locator(".comments-360 li").all_inner_texts():  # the observers' own words, in English
            page_text = page_text.replace(comment, "")
        assert english_words(page_text) == []
        ann.locator(".counts-360").scroll_into_view_if_needed()
        Kit.screenshot(ann, "observers_360_top_phone_nb", full=False)

        # ---- the handout carries the 360 (text, never markup), as people open it.
        ann.goto(ann.url.split("?")[0] + f"?session={s.code}&lang=en")
        ann.locator("table.practices-360").wait_for()
        with ann.expect_download() as got:
            ann.get_by_role("link", name="Download my workshop (a page to keep or print)").click()
        html = got.value.path().read_text()
        assert "How others see me (360)" in html and "Manager (1, not anonymous)" in html
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "DIRECT REPORT" not in html
        (tmp_path / "handout.html").write_text(html)
        hp = ann_ctx.new_page()
        hp.set_viewport_size({"width": 800, "height": 1000})
        hp.goto((tmp_path / "handout.html").as_uri())
        hp.locator("section.observers-360").scroll_into_view_if_needed()
        hp.locator("section.observers-360").screenshot(path=str(ARTIFACTS / "observers_handout.png"))
    finally:
        for ctx in contexts:
            ctx.close()
