"""Themes of the room's words: the words and two-word phrases a team used most in a free-text
question, counted by people (not by how often one person repeated a word).

Computed here, in the kernel, with the kit's own small stop lists (`data/frameworks/stopwords/en.txt`,
`nb.txt`: words too common to be a theme; reviewed so that the words that matter in these
workshops stay in: leder, mål, verdi, tillit, team, kunder; purpose, trust, value, customers).
Both lists apply to every text, since a Norwegian team writes English words too. Nothing is
downloaded, no model is used.

The anonymity rules of every team figure apply:

- a word or phrase used by only one person is never shown (an unusual word can name its
  author): `MIN_PEOPLE`;
- texts the facilitator hid are left out before counting (the caller passes only visible ones);
- the themes of a question show only once the session's threshold of people wrote something
  (the caller decides with `aggregate.team_visible`).

>>> texts = [(1, "Share knowledge across teams"), (2, "We share knowledge openly"), (3, "Customers first")]
>>> [(t.term, t.people) for t in themes(texts)]
[('share knowledge', 2), ('knowledge', 2), ('share', 2)]
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

from .paths import FRAMEWORKS_DIR

MIN_PEOPLE = 2  # a term used by fewer people is not shown: it could point to its author
MAX_TERMS = 12  # as many as the back row can read in a cloud, and the list beside it holds
# A word: letters (any alphabet: æ, ø, å, é, ü …), possibly joined by a hyphen or an apostrophe
# ("e-post", "customer-first", "don't"). Digits and everything else separate words.
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Where a phrase ends: two words across a full stop, a comma or a line break are no phrase.
CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"«»“”\n\r\t/|•–—…]+")


def _stopword_files():
    """The stop lists, beside the module content (data/frameworks/stopwords; installed: slkit/frameworks/stopwords)."""
    return sorted((FRAMEWORKS_DIR / "stopwords").glob("*.txt"))


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Every language's stop list together (one word a line; # starts a note)."""
    words: set[str] = set()
    for path in _stopword_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                words.add(normalize_word(line))
    return frozenset(words)


def normalize_word(word: str) -> str:
    """One way to write a word: NFC (an «å» typed as a + ring is «å»), lower case, the
    typographic apostrophe as a plain one."""
    return unicodedata.normalize("NFC", word).casefold().replace("’", "'")


def words_of(text: str) -> list[list[str]]:
    """The words of `text`, clause by clause, normalised. Combining marks beyond the first on a
    letter and invisible format characters are dropped first (they only garble a cloud)."""
    text = unicodedata.normalize("NFC", str(text or "")).replace("\u200b", " ")  # a zero-width space still parts words
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return [[normalize_word(w) for w in WORD.findall(clause)] for clause in CLAUSE.split(text)]


def terms_of(text: str, stop: frozenset[str] | None = None) -> set[str]:
    """The words (2 letters or more, not on a stop list) and two-word phrases (both such words,
    next to each other in one clause) in one text, each once."""
    stop = stopwords() if stop is None else stop
    found: set[str] = set()
    for clause in words_of(text):
        keep = [w if len(w.replace("-", "").replace("'", "")) >= 2 and w not in stop else None for w in clause]
        found.update(w for w in keep if w)
        found.update(f"{a} {b}" for a, b in zip(keep, keep[1:]) if a and b)
    return found


@dataclass(frozen=True)
class Theme:
    term: str  # a word or a two-word phrase, as normalised
    people: int  # how many people used it (each person once, however often they wrote it)

    @property
    def phrase(self) -> bool:
        return " " in self.term


def themes(texts: Iterable[tuple[Any, str]], *, min_people: int = MIN_PEOPLE, limit: int = MAX_TERMS) -> list[Theme]:
    """The team's themes from (author, text) pairs: the terms at least `min_people` people used,
    most people first; at equal counts a phrase before a word (it says more), then A–Z."""
    by_term: dict[str, set] = {}
    for author, text in texts:
        for term in terms_of(text):
            by_term.setdefault(term, set()).add(author)
    found = [Theme(t, len(people)) for t, people in by_term.items() if len(people) >= max(2, min_people)]
    found.sort(key=lambda t: (-t.people, not t.phrase, t.term))
    return found[:limit]


def respondents(texts: Iterable[tuple[Any, str]]) -> int:
    """How many people wrote something (for the anonymity threshold)."""
    return len({a for a, t in texts if str(t or "").strip()})


# ---- the word cloud, as a plotly figure spec ---------------------------------------------------

CLOUD_COLOURS = ["#123c5a", "#1a6fa3", "#8a4b08", "#2f6b3a", "#6b2f6b", "#9b1c1c"]  # all ≥ 4.5:1 on white


# Where a cloud is drawn, in pixels, and its type sizes: a page (the console's preview, the report)
# and the room screen (the smallest projector: 60 % of 1280 px by 62 % of 720). Plotly keeps type
# at its size in pixels while the plot scales, so each is laid out for the space it gets.
PAGE_CLOUD = dict(width=720, height=400, smallest=18, largest=44)
SCREEN_CLOUD = dict(width=660, height=420, smallest=26, largest=60)


def cloud_figure(found: list[Theme], title: str, *, width: float = 720, height: float = 400, smallest: int = 18, largest: int = 44) -> dict:
    """A word cloud: the most used term largest and in the middle, the rest placed outwards on a
    spiral without overlapping (boxes estimated from the font size). Deterministic: the same
    words always give the same picture. Drawn by plotly as text, so it needs nothing else."""
    if not found:
        return {"data": [], "layout": {"title": {"text": title}, "height": height}, "config": {"displayModeBar": False, "staticPlot": True}}
    top, low = found[0].people, found[-1].people
    for scale in (1.0, 0.85, 0.7, 0.55, 0.45):  # smaller type until every term has a place of its own
        placed: list[tuple[float, float, float, float]] = []  # boxes: x0, y0, x1, y1 in pixels
        xs, ys, sizes = [], [], []
        for t in found:
            share = 0.5 if top == low else (t.people - low) / (top - low)
            size = max(12, round((smallest + (largest - smallest) * share) * scale))
            w, h = len(t.term) * size * 0.58 + 8, size * 1.25
            spot = _place(w, h, placed, width, height)
            if spot is None:
                break
            placed.append((spot[0] - w / 2, spot[1] - h / 2, spot[0] + w / 2, spot[1] + h / 2))
            xs.append(spot[0])
            ys.append(spot[1])
            sizes.append(size)
        else:
            break
    colours = [CLOUD_COLOURS[n % len(CLOUD_COLOURS)] for n in range(len(found))]
    texts = [t.term for t in found]
    found = found[: len(xs)]
    colours, texts = colours[: len(xs)], texts[: len(xs)]
    return {
        "data": [{
            "type": "scatter", "mode": "text", "x": xs, "y": ys, "text": texts, "hoverinfo": "text",
            "hovertext": [f"{t.term}: {t.people}" for t in found],
            "textfont": {"size": sizes, "color": colours, "family": "system-ui, sans-serif"},
            "textposition": "middle center", "showlegend": False,
            "customdata": [t.people for t in found], "name": title,
        }],
        "layout": {
            "title": {"text": title}, "height": height, "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
            "xaxis": {"visible": False, "range": [0, width], "fixedrange": True},
            "yaxis": {"visible": False, "range": [0, height], "fixedrange": True, "scaleanchor": "x"},
            "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff",
        },
        "config": {"displayModeBar": False, "responsive": True},
        "meta": {"kind": "cloud", "terms": [[t.term, t.people] for t in found], "title": title},
    }


def screen_cloud(spec: dict) -> dict:
    """The same cloud laid out anew for the room screen (larger type, the screen's space)."""
    meta = spec.get("meta") or {}
    return cloud_figure([Theme(t, n) for t, n in meta.get("terms", [])], meta.get("title", ""), **SCREEN_CLOUD)


def _place(w: float, h: float, placed: list, width: float, height: float) -> tuple[float, float] | None:
    """The first point on a spiral out from the middle where a w×h box fits inside the area and
    touches no box placed before; None where there is none."""
    cx, cy = width / 2, height / 2
    for step in range(4000):
        angle = step * 0.35
        radius = 2.2 * angle
        x, y = cx + radius * math.cos(angle) * 1.6, cy + radius * math.sin(angle)
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height:
            if radius > max(width, height):
                break
            continue
        if all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed):
            return x, y
    return None
