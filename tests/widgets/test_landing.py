"""The landing page's component, driven from Python without a kernel or browser."""

from slkit.content import load_frameworks
from widgets.widget_landing import Landing


def test_without_a_code_it_lists_the_modules_and_asks_for_a_code(kit_store):
    page = Landing(store_factory=lambda: kit_store)
    assert page.status.value == ""
    for fw in load_frameworks().values():
        assert fw.title in page.modules.value
    assert "?session=" not in page.modules.value


def test_a_valid_code_welcomes_and_links_modules_into_the_session(kit_store, monkeypatch):
    monkeypatch.setenv("VOILA_REQUEST_URL", "http://room.local:8866/voila/render/index.ipynb")
    s = kit_store.create_session("Marketing <b>day</b>")
    page = Landing(store_factory=lambda: kit_store)
    page.code_input.value = s.code.lower()
    assert "msg-ok" in page.status.value
    assert "Marketing &lt;b&gt;day&lt;/b&gt;" in page.status.value and "<b>day</b>" not in page.status.value
    # Modules whose notebooks exist link into the session; the others say they are not available.
    for fw in load_frameworks().values():
        assert fw.title in page.modules.value


def test_an_unknown_or_malformed_code_says_what_is_wrong(kit_store):
    page = Landing(store_factory=lambda: kit_store)
    page.code_input.value = "ZZZZZZ"
    assert "msg-error" in page.status.value and "no session with the code ZZZZZZ" in page.status.value
    page.code_input.value = "<script>x</script>"
    assert "&lt;script&gt;" in page.status.value and "<script>" not in page.status.value


def test_the_join_button_checks_what_was_typed(kit_store):
    s = kit_store.create_session("Team")
    page = Landing(store_factory=lambda: kit_store)
    page.code_input.value = "ZZZZZZ"
    page.code_input.value = s.code  # observed change joins
    page.status.value = ""
    page.join_button.click()
    assert "msg-ok" in page.status.value and s.code in page.status.value


def test_code_from_the_address_is_used(kit_store):
    s = kit_store.create_session("Team")
    page = Landing(code=s.code, store_factory=lambda: kit_store)
    assert page.code_input.value == s.code and "msg-ok" in page.status.value
