"""The facilitator guide cannot drift from the kit: every command, option, make target and
on-page label it names exists, its figures are the kit's, and every page renders.

Conventions the guide follows (and this test holds it to): commands and options in code spans
(`slkit serve --host 0.0.0.0`, `make demo`, `--public-url`); labels of buttons, links, tabs and
headings on the pages in *italics*; emphasis in **bold**.
"""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from slkit import aggregate, board, store
from slkit.cli import build_parser
from slkit.guide import GUIDE_DIR, PAGES, render
from slkit.paths import KIT_ROOT

GUIDE_TEXT = {f: (GUIDE_DIR / f).read_text(encoding="utf-8") for f in PAGES.values()}
# The guide in Norwegian: the same pages, checked the same way (its labels are the Norwegian ones).
GUIDE_TEXT.update({f"nb/{f}": (GUIDE_DIR / "nb" / f).read_text(encoding="utf-8") for f in PAGES.values()})
# Other documents that give commands: checked for commands and options (not for page labels).
COMMAND_DOCS = {**GUIDE_TEXT, "deploy/README.md": (KIT_ROOT / "deploy" / "README.md").read_text(encoding="utf-8"),
                "README.md": (KIT_ROOT / "README.md").read_text(encoding="utf-8")}


def code_spans(text: str) -> list[str]:
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    spans = re.findall(r"`([^`\n]+)`", text)
    # indented code blocks: one command per line, after any VAR=value settings
    for line in text.splitlines():
        if line.startswith("    "):
            command = re.sub(r"^(\w+=\S+\s+)+", "", line.strip())
            if command.startswith((".venv/bin/slkit", "slkit")):
                spans.append(command)
    return spans


def italics(text: str) -> list[str]:
    text = re.sub(r"`[^`\n]+`", "", text)
    text = re.sub(r"\*\*[^*]+\*\*", "", text)
    return [" ".join(m.split()) for m in re.findall(r"(?<![*\w])\*([^*\s][^*]*?)\*(?![*\w])", text, flags=re.S)]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


def all_options(parser: argparse.ArgumentParser) -> set[str]:
    found = set(_options(parser))
    for sub in _subparsers(parser).values():
        found |= all_options(sub)
    return found


def check_command(words: list[str]) -> list[str]:
    """Problems with one `slkit …` command line as the guide writes it."""
    parser, path = build_parser(), ["slkit"]
    problems = []
    rest = words[1:]
    while rest and not rest[0].startswith("-"):
        subs = _subparsers(parser)
        if not subs:
            break  # a positional argument such as CODE
        if rest[0] not in subs:
            problems.append(f"`{' '.join(path + [rest[0]])}` is not a command (choose from {', '.join(subs)})")
            return problems
        parser = subs[rest[0]]
        path.append(rest.pop(0))
    if _subparsers(parser):
        problems.append(f"`{' '.join(path)}` needs an action ({', '.join(_subparsers(parser))})")
    for word in rest:
        option = word.split("=", 1)[0]
        if option.startswith("--") and option not in _options(parser):
            problems.append(f"`{' '.join(path)}` has no option {option}")
    return problems


def make_targets() -> set[str]:
    text = (KIT_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*):", text, flags=re.M))


SOURCE_DIRS = ("widgets", "slkit", "workshops", "data/frameworks")


@pytest.fixture(scope="module")
def kit_strings() -> str:
    """Every string the pages can show: the widgets, the core, the notebooks, the content."""
    parts = []
    for folder in SOURCE_DIRS:
        for path in sorted((KIT_ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".ipynb", ".yaml", ".j2", ".po") and "guide.py" != path.name:
                parts.append(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parts).split())


def test_every_command_and_option_the_guide_names_exists():
    options, targets, problems = all_options(build_parser()), make_targets(), []
    seen = 0
    for name, text in COMMAND_DOCS.items():
        for span in code_spans(text):
            words = shlex.split(span.replace("...", "x").replace("…", "x"))
            if not words:
                continue
            if words[0] in (".venv/bin/slkit", "slkit") and len(words) > 1:  # alone, `slkit` names the package
                seen += 1
                problems += [f"{name}: {p}" for p in check_command(["slkit"] + words[1:])]
            elif words[0] == "make":
                seen += 1
                for w in words[1:]:
                    if "=" not in w and w not in targets:
                        problems.append(f"{name}: `make {w}`: no such target in the Makefile")
            elif re.fullmatch(r"--[a-z-]+", words[0].split("=")[0]) and len(words) >= 1:
                seen += 1
                if words[0].split("=")[0] not in options:
                    problems.append(f"{name}: no command has the option {words[0]}")
    assert seen > 20, "the guide's code spans were not found"
    assert not problems, "\n".join(problems)


def test_the_command_check_can_fail():
    assert check_command(["slkit", "sesion", "new"])
    assert check_command(["slkit", "serve", "--hots", "0.0.0.0"])
    assert check_command(["slkit", "session"])
    assert not check_command(["slkit", "session", "delete", "CODE"])


def test_every_label_the_guide_names_is_on_a_page(kit_strings):
    missing = []
    for name, text in GUIDE_TEXT.items():
        for label in italics(text):
            if label not in kit_strings:
                missing.append(f"{name}: *{label}*")
    assert not missing, "labels in the guide that no page shows:\n" + "\n".join(missing)


def test_the_label_check_can_fail(kit_strings):
    assert italics("Press *Open the next module* and *Show*, **not** `*x*`.") == ["Open the next module", "Show"]
    assert "Open the back door" not in kit_strings


def test_the_figures_in_the_guide_are_the_kits():
    everything = " ".join(" ".join(GUIDE_TEXT.values()).split())
    assert f"from {aggregate.SPREAD_MIN} answers" in everything
    assert f"(default {store.DEFAULT_THRESHOLD})" in everything
    assert build_parser().parse_args(["serve"]).port == 8866 and "port 8866" in everything
    assert board.DEFAULT_BUDGET == 3  # "a few votes per box"; the console's default


def test_every_page_renders_with_its_links_resolved():
    for slug in PAGES:
        page = render(slug)
        assert "<main>" in page and "lang='en'" in page
        assert not re.search(r'href="[^"]*\.md', page), f"{slug}: a link to a Markdown file"
        for target in re.findall(r"href=['\"]/slkit/guide/([a-z]*)['\"]", page):
            assert target in PAGES, f"{slug}: links to a guide page that does not exist: {target}"
    assert "<nav" not in render("privacy")  # the participants' page stands alone
    with pytest.raises(KeyError):
        render("secrets")


@pytest.mark.parametrize("page", list(PAGES.values()))
def test_the_norwegian_guide_keeps_in_step_with_the_english(page):
    """Both languages have every page, the same sections, and every command the English names."""
    en, nb = GUIDE_TEXT[page], GUIDE_TEXT[f"nb/{page}"]
    heads = lambda t: [line.split(" ", 1)[0] for line in t.splitlines() if line.startswith("#")]  # noqa: E731
    assert heads(en) == heads(nb), f"{page}: the sections differ"
    commands = lambda t: {" ".join(shlex.split(c)[:2]) for c in code_spans(t) if c.startswith(("slkit", "make", ".venv/bin/slkit"))}  # noqa: E731
    assert commands(en) <= commands(nb), f"nb/{page} lacks {commands(en) - commands(nb)}"
    assert len(nb) > 0.8 * len(en)


def test_the_guide_is_served_in_the_language_asked_for():
    assert "<h1>Slik holder du en workshop</h1>" in render("", language="nb")
    assert "<html lang='nb'>" in render("agendas", language="nb")
    assert "<h1>Running a workshop</h1>" in render("", language="en")
    assert "Slik tar vi vare på svarene dine" in render("privacy", language="no")
    assert "href='/slkit/guide/agendas?lang=nb'" in render("", language="nb")  # its links stay in Norwegian
    assert 'href="/slkit/guide/troubleshooting?lang=nb' in render("", language="nb")
