"""Checking text that people type, before anything is stored.

Text is stored verbatim (HTML and SQL-looking text included); it is escaped where it is
shown. What is refused gets a message a participant can act on.

>>> clean_text("  Hei på deg 👋 ", max_length=20)
'Hei på deg 👋'
"""

from __future__ import annotations

import html
import unicodedata

from . import InputError
from .i18n import _

# Characters that reorder how text is displayed; they can make a board lie about what was typed.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Direction marks: invisible, and nothing a workshop's text needs; removed wherever they are.
_DIRECTION_MARKS = set("\u200e\u200f\u061c")
# Combining marks kept on one letter (after NFC, which joins «å» and «é» into one character): a
# language needs two at most; a flood of them draws over other people's lines on a board.
MAX_MARKS = 2


def normalized(value: str, *, multiline: bool = True) -> str:
    """Text as the kit stores it (NFC, line ends as \\n, direction marks removed, stacked
    combining marks capped at MAX_MARKS, trimmed; one line unless `multiline`), without judging
    it: a field compares what it shows with what is stored in this form.

    >>> normalized("  a\u030a\u200e ok ") == "\u00e5 ok"
    True
    >>> len(normalized("x" + "\u0301" * 40))
    3
    """
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    out, marks = [], 0
    for ch in text:
        if ch in _DIRECTION_MARKS:
            continue
        if unicodedata.combining(ch):
            marks += 1
            if marks > MAX_MARKS:
                continue
        else:
            marks = 0
        out.append(ch)
    text = "".join(out)
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def clean_text(
    value: object,
    *,
    max_length: int,
    field: str | None = None,
    allow_empty: bool = False,
    multiline: bool = True,
) -> str:
    """Return `value` normalised (NFC, trimmed), or raise InputError saying what is wrong
    (`field` names it in the message: "The name"; default "The text")."""
    field = field or _("The text")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(_("{field} must be text.").format(field=field))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(_("{field} contains broken characters; please type it again.").format(field=field)) from None
    text = normalized(value, multiline=multiline)
    for ch in text:
        if ch in "\n\t":
            continue
        if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS:
            raise InputError(_("{field} contains an invisible control character; please remove it.").format(field=field))
    if not visible(text) and not allow_empty:
        # Nothing but spaces, zero-width characters or direction marks reads as empty.
        raise InputError(_("{field} is empty; please write something first.").format(field=field))
    if not visible(text):
        text = ""
    if len(text) > max_length:
        raise InputError(_("{field} is {n} characters long; the limit is {limit}.").format(field=field, n=len(text), limit=max_length))
    return text


def visible(text: str) -> bool:
    """True when `text` holds something a reader can see (not only format characters such as
    zero-width spaces, joiners and direction marks, or white space)."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def echo(value: object, limit: int = 20) -> str:
    """Typed text to repeat in a message: shortened, without control or format characters
    (a right-to-left override in a code would show the message reversed)."""
    text = str(value) if isinstance(value, str) else ""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()[:limit]


def esc(text: object) -> str:
    """Text typed by a person, made safe to put into HTML: shown as text, never run."""
    return html.escape(str(text), quote=True)


def link_text(url: str) -> str:
    """A link's address as text to show, escaped, with a line break allowed after each / and
    before each ? and & (a long address on a projector or a phone then breaks between its parts,
    not inside a word: "…/index.ipynb" rather than "…/inde" and "x.ipynb").

    >>> link_text("http://a.example/voila/render/index.ipynb?session=K7M2QX&lang=nb")
    'http://<wbr>a.example/<wbr>voila/<wbr>render/<wbr>index.ipynb<wbr>?session=K7M2QX<wbr>&amp;lang=nb'
    """
    import re

    parts = re.split(r"(?<=/)(?=[^/])|(?=[?&])", url)
    return "<wbr>".join(esc(p) for p in parts)
