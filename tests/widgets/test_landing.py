"""The way in and a participant's home, driven from Python without a kernel or browser."""

import re

from slkit.content import get_framework, load_frameworks
from slkit.widgets.page import request_env
from slkit.widgets.widget_landing import Landing
from tests.widgets.util import text_of


_text = text_of


def test_without_a_code_it_asks_for_one_and_offers_self_study(kit_store):
    page = Landing(store_factory=lambda: kit_store)
    assert page.status.value == ""
    html = _text(page)
    for fw in [f for f in load_frameworks().values() if f.default_plan]:
        assert fw.title in html
    assert "?session=" not in html


def test_the_start_page_finds_the_sessions_this_browser_is_remembered_in(kit_store, monkeypatch):
    """Coming back through the server's address: the sessions whose person cookie this browser
    holds are listed first, each with its home link; a session the browser left, one deleted
    since and cookies that are not a person's are not."""
    kept = kit_store.create_session("Tuesday team")
    gone = kit_store.create_session("Deleted day")
    other = kit_store.create_session("Someone else's")
    ann = kit_store.join(kept.code, "Ann")
    ben = kit_store.join(gone.code, "Ben")
    kit_store.delete_session(gone.code)
    kit_store.join(other.code, "Cay")
    monkeypatch.setenv("HTTP_COOKIE", f"slk_lang=en; slk_{kept.code}={ann.token}; slk_{gone.code}={ben.token}; "
                                      f"slk_{other.code}=not-a-token; slk_left_{other.code}=x")
    request_env.cache_clear()
    html = _text(Landing(store_factory=lambda: kit_store))
    assert "Your sessions" in html and "Tuesday team" in html and "as Ann" in html and f"index.ipynb?session={kept.code}" in html
    assert "Deleted day" not in html and "Someone else" not in html
    monkeypatch.setenv("HTTP_COOKIE", "slk_lang=en")
    request_env.cache_clear()  # a kernel reads its request once
    assert "Your sessions" not in _text(Landing(store_factory=lambda: kit_store))
    monkeypatch.delenv("HTTP_COOKIE")
    request_env.cache_clear()


def test_a_valid_code_leads_to_joining_once_then_home(kit_store):
    s = kit_store.create_session("Marketing <b>day</b>")
    page = Landing(store_factory=lambda: kit_store)
    page.code_input.value = s.code.lower()
    assert page.join is not None and page.join.session.code == s.code
    html = _text(page)
    assert "Marketing &lt;b&gt;day&lt;/b&gt;" in html and "<b>day</b>" not in html
    assert "word for word" in html  # the join text says what others will see
    page.join.name_input.value = "Kari"
    page.join.start_button.click()
    page.join.start_button.click()  # a double click
    assert kit_store.participant_count(s.code) == 1
    home = _text(page.home)
    p = page.join.participant
    assert "Hello, Kari" in home and p.personal_code[:4] + "-" + p.personal_code[4:] in home
    # Each module links into the session, without anything that says who the person is.
    for fw in [f for f in load_frameworks().values() if f.default_plan]:
        assert f'href="{fw.notebook}?session={s.code}"' in page.home.modules.value
    assert p.token not in home and "Not started" in home


def test_home_shows_open_closed_and_how_far_the_person_got(kit_store):
    s = kit_store.create_session("Team")
    p = kit_store.join(s.code, "Ola")
    kit_store.set_progress(p, "purpose_first", 5, 6, done=True)
    kit_store.set_progress(p, "motivation_triad", 2, 6)
    kit_store.set_module_state(s.code, "five_practices", is_open=False)
    kit_store.set_module_state(s.code, "motivation_triad", is_open=False)
    page = Landing(code=s.code, token=p.token, store_factory=lambda: kit_store)
    cards = dict(re.findall(r'data-module="(\w+)".*?</b>(.*?)</(?:a|div)>\s*(?=<a|<div class="card|$)', page.home.modules.value, re.S))
    assert "✓ Done" in cards["purpose_first"]
    assert "In progress: step 3 of 6" in cards["motivation_triad"] and "Closed by the facilitator" in cards["motivation_triad"]
    assert "Not started" in cards["social_team_swot"]
    assert "Not open yet" in cards["five_practices"]
    assert '<div class="card module-card waiting-module" data-module="five_practices">' in page.home.modules.value  # no link yet
    kit_store.set_module_state(s.code, "five_practices", is_open=True)
    page.home.ticker.tick.click()  # the home page follows the facilitator
    assert '<a class="card module-card" data-module="five_practices"' in page.home.modules.value
    # Going back to an earlier step keeps "done".
    kit_store.set_progress(p, "purpose_first", 1, 6)
    assert kit_store.progress_of(p)["purpose_first"].done


def test_an_unknown_or_malformed_code_says_what_is_wrong(kit_store):
    page = Landing(store_factory=lambda: kit_store)
    page.code_input.value = "ZZZZZZ"
    assert "msg-error" in page.status.value and "no session with the code ZZZZZZ" in page.status.value
    page.code_input.value = "<script>x</script>"
    assert "&lt;script&gt;" in page.status.value and "<script>" not in page.status.value
    assert page.join is None


def test_code_from_the_address_opens_the_join_form(kit_store):
    s = kit_store.create_session("Team")
    page = Landing(code=s.code, store_factory=lambda: kit_store)
    assert page.join.start_button.description == "Join the session" and page.home is None
    assert get_framework("five_practices").title not in _text(page)  # modules come after joining


def test_a_returning_browser_is_not_shown_the_code_again_but_can_get_a_new_one(kit_store):
    import pytest

    from slkit import InputError

    s = kit_store.create_session("Team")
    p = kit_store.join(s.code, "Ola")
    page = Landing(s.code, p.token, store_factory=lambda: kit_store)  # the browser remembers Ola
    home = _text(page.home)
    assert "Hello, Ola" in home and p.personal_code[:4] + "-" + p.personal_code[4:] not in home
    assert "Lost it?" in home and page.home.new_code_button.layout.display != "none"
    page.home.new_code_button.click()
    new = page.join.participant.personal_code
    assert new and new != p.personal_code and new[:4] + "-" + new[4:] in page.home.personal.value
    assert kit_store.resume(s.code, personal_code=new).id == p.id
    with pytest.raises(InputError):
        kit_store.resume(s.code, personal_code=p.personal_code)


def test_a_practice_page_on_a_workshop_server_leads_back_to_the_start_page(kit_store, monkeypatch):
    """A module opened without a session on a server keeps nothing; it says so, with the way back
    to the start page (which lists the sessions this browser is remembered in)."""
    from slkit.widgets.widget_join import JoinPanel

    monkeypatch.setenv("VOILA_REQUEST_URL", "http://127.0.0.1:8866/voila/render/01_purpose_first.ipynb")
    request_env.cache_clear()
    panel = JoinPanel(None, None, None, on_ready=lambda *a, **k: None, store_factory=lambda: kit_store)
    assert "are not kept" in panel.status.value and "href='index.ipynb'" in panel.status.value and "Back to the start page" in panel.status.value
    monkeypatch.delenv("VOILA_REQUEST_URL")
    request_env.cache_clear()
