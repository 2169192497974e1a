"""The facilitator guide (`facilitator_guide/*.md`) as web pages, served by the workshop server.

    >>> from slkit.guide import render
    >>> "<h1>Running a workshop</h1>" in render("")
    True

Pages: "" (the guide's start), "agendas", "modules", "troubleshooting", and "privacy" (the
statement for participants, linked from the join page). Links between the Markdown files
become links between the pages; everything is served by the kit itself, nothing from the
internet. The guide is the kit's own text: Markdown's HTML is rendered as it is.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from . import i18n
from .i18n import _
from .paths import IN_CHECKOUT, KIT_ROOT, PACKAGE_DIR
from .report import html_page
from .text import esc

GUIDE_DIR = KIT_ROOT / "facilitator_guide" if IN_CHECKOUT else PACKAGE_DIR / "facilitator_guide"
# slug -> file, in the order of the guide's contents.
PAGES = {"": "README.md", "agendas": "agendas.md", "modules": "modules.md",
         "troubleshooting": "troubleshooting.md", "privacy": "privacy.md"}
FILES = {f: slug for slug, f in PAGES.items()}

STYLE = """
main { max-width: 46em; margin: 0 auto; padding: 1em 1.2em 3em; line-height: 1.55; }
nav.guide { font-size: 0.95em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.6em; margin-bottom: 1em; }
nav.guide ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.3em 1.2em; }
nav.guide a[aria-current] { font-weight: 600; color: #1f2328; text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; font-size: 0.95em; }
th, td { border: 1px solid #d0d7de; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
pre { background: #f6f8fa; padding: 0.7em; white-space: pre-wrap; overflow-wrap: anywhere; }
code { background: #f6f8fa; padding: 0 0.2em; border-radius: 3px; }
li.task-list-item { list-style: none; margin-left: -1.4em; }
li.task-list-item input { margin-right: 0.5em; width: 1.1em; height: 1.1em; vertical-align: -0.15em; }
a { color: #0a58ca; }
a:focus-visible, input:focus-visible { outline: 3px solid #0a58ca; outline-offset: 2px; }
@media print { nav.guide { display: none; } }
/* On a phone a table's rows become cards: each cell under its column's name. */
@media (max-width: 600px) {
  table, tbody, tr, td { display: block; width: auto; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 0.6em; padding: 0.3em 0.5em; }
  td { border: 0; padding: 0.15em 0; }
  td:empty { display: none; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
"""


def _markdown():
    import mistune

    return mistune.create_markdown(escape=False, plugins=["table", "task_lists"])


def _link(match: re.Match, base: str, query: str) -> str:
    target, anchor = match.group(2), match.group(3) or ""
    if target in FILES:
        return f"{match.group(1)}{base}/{FILES[target]}{query}{anchor}\""
    return match.group(0)


def _label_cells(table: str) -> str:
    """Each body cell gets its column's name (data-label), for the phone layout."""
    heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]

    def row(m: re.Match) -> str:
        cells = iter(heads)
        return re.sub(r"<td([^>]*)>", lambda c: f"<td{c.group(1)} data-label=\"{esc(next(cells, ''))}\">", m.group(0))

    return re.sub(r"<tr>.*?</tr>", row, table, flags=re.S)


def guide_dir(language: str | None = None) -> Path:
    """The guide's folder in `language`: English at the top, each other language in its own
    folder with the same file names (facilitator_guide/nb/)."""
    language = i18n.normalize(language) or i18n.current()
    return GUIDE_DIR if language == "en" or not (GUIDE_DIR / language).is_dir() else GUIDE_DIR / language


def title_of(slug: str, language: str | None = None) -> str:
    text = (guide_dir(language) / PAGES[slug]).read_text(encoding="utf-8")
    return next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), "Guide")


@functools.lru_cache(maxsize=32)
def _body(slug: str, base: str, folder: Path, query: str) -> str:
    text = (folder / PAGES[slug]).read_text(encoding="utf-8")
    html = _markdown()(text)
    html = re.sub(r'(href=")([A-Za-z_]+\.md)(#[\w-]+)?"', lambda m: _link(m, base, query), html)
    # A checklist to tick: mistune's boxes are disabled; people tick them on screen, and each
    # box is named by its line.
    html = re.sub(r'<li class="task-list-item"><input class="task-list-item-checkbox" type="checkbox" disabled/>(.*?)</li>',
                  r'<li class="task-list-item"><label><input type="checkbox"> \1</label></li>', html, flags=re.S)
    return re.sub(r"<table>.*?</table>", lambda m: _label_cells(m.group(0)), html, flags=re.S)


def render(slug: str, base: str = "/slkit/guide", language: str | None = None) -> str:
    """The guide's page `slug` as a complete HTML page, with the guide's contents above it
    (the privacy statement stands alone: participants open it from the join page)."""
    if slug not in PAGES:
        raise KeyError(slug)
    with i18n.use(language or i18n.server_default()):
        folder = guide_dir()
        query = f"?lang={i18n.current()}"  # the links between the pages stay in this language
        body = _body(slug, base.rstrip("/"), folder, query)
        nav = ""
        if slug != "privacy":
            current = " aria-current='page'"
            items = "".join(f"<li><a href='{base}/{s}{query}'{current if s == slug else ''}>{esc(title_of(s))}</a></li>" for s in PAGES)
            others = " · ".join(f"<a href='{base}/{slug}?lang={code}' lang='{code}' hreflang='{code}'>{esc(name)}</a>"
                                for code, name in i18n.LANGUAGES.items() if code != i18n.current())
            nav = f"<nav class='guide' aria-label='{esc(_('Guide'))}'><ul>{items}<li>{others}</li></ul></nav>"
        title = title_of(slug) + ("" if slug == "privacy" else " · " + _("Facilitator guide"))
        return html_page(title, nav + body, style=STYLE)


def guide_files(language: str = "en") -> list[Path]:
    return [guide_dir(language) / f for f in PAGES.values()]
