"""The one place interface strings are translated: gettext catalogs (Babel) for English and
Norwegian bokmål, and numbers and dates written the way each language writes them.

Code marks a string with `_()` (or `N_()` where it is defined before a language is known, and
translated with `_()` where it is used); `make translations` extracts them into
`slkit/locale/slkit.pot` and updates and compiles the `en` and `nb` catalogs.

The language is per page: a page sets it once (`set_language`) from the person, the link or the
session; code that writes for someone else (an export in a session's language) uses
`with use("nb"):`.

>>> with use("nb"):
...     number(3.5)
'3,5'
>>> normalize("nb-NO"), normalize("no"), normalize("en_GB"), normalize("fr")
('nb', 'nb', 'en', None)
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "slkit"

# Each language named in itself, as a person choosing it would look for it.
LANGUAGES = {"nb": "Norsk (bokmål)", "en": "English"}
DEFAULT = "en"
# The cookie that keeps the language a person chose in their browser (a link's ?lang=, the switch).
LANG_COOKIE = "slk_lang"
# `no` is what many people type for Norwegian; translators and browsers use `nb`.
_ALIASES = {"no": "nb", "nob": "nb", "nor": "nb", "nn": "nb", "nno": "nb", "eng": "en"}  # Nynorsk readers read bokmål

_default: str = DEFAULT
_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("slkit_language", default=None)


def choices() -> list[tuple[str, str]]:
    """The languages for a drop-down: (name in itself, code)."""
    return [(name, code) for code, name in LANGUAGES.items()]


def normalize(code: object) -> str | None:
    """`code` as one of LANGUAGES ('nb-NO' → 'nb', 'no' → 'nb', 'en_GB' → 'en'), or None."""
    if not isinstance(code, str) or not code.strip():
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    base = _ALIASES.get(base, base)
    return base if base in LANGUAGES else None


def from_accept_language(header: object) -> str | None:
    """The kit's language a browser asks for first in its Accept-Language header, if any.

    >>> from_accept_language("nb-NO,nb;q=0.9,no;q=0.8,en-US;q=0.6,en;q=0.5"), from_accept_language("de-DE, en;q=0.4")
    ('nb', 'en')
    >>> from_accept_language("en;q=0.2, nn;q=0.9"), from_accept_language("fr, de") is None, from_accept_language(None) is None
    ('nb', True, True)
    """
    from babel import negotiate_locale

    if not isinstance(header, str) or len(header) > 1000:
        return None
    ranked = []
    for n, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        try:
            q = float(params.strip()[2:]) if params.strip().startswith("q=") else 1.0
        except ValueError:
            continue
        if tag and tag != "*" and q > 0:
            ranked.append((-q, n, tag.strip()))
    preferred = [tag for _q, _n, tag in sorted(ranked)]
    available = [*LANGUAGES, *_ALIASES]
    return normalize(negotiate_locale(preferred, available, sep="-"))


def current() -> str:
    """The language strings are translated into here and now."""
    return _override.get() or _default


def set_language(code: object) -> str:
    """Make `code` this process's language (a page's kernel serves one page); unknown → the
    default from SLKIT_LANG or English. Returns the language set."""
    global _default
    _default = normalize(code) or server_default()
    return _default


def server_default() -> str:
    """The language `slkit serve --lang` chose (SLKIT_LANG), else the computer's own (LC_ALL,
    LC_MESSAGES, LANG: a Norwegian laptop working alone gets Norwegian), else English."""
    for name in ("SLKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        lang = normalize(os.environ.get(name))
        if lang:
            return lang
    return DEFAULT


def chosen_by_server() -> str | None:
    """The language `slkit serve --lang` chose (SLKIT_LANG), if it chose one."""
    return normalize(os.environ.get("SLKIT_LANG"))


@contextlib.contextmanager
def use(code: object):
    """Translate into `code` inside the block (an export in its session's language)."""
    token = _override.set(normalize(code) or current())
    try:
        yield
    finally:
        _override.reset(token)


@functools.lru_cache(maxsize=None)
def _catalog(lang: str) -> _gettext.NullTranslations:
    return _gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)


def _(message: str) -> str:
    """`message` in the current language."""
    return _catalog(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for `n` in the current language; format `n` into it with `number(n)`."""
    return _catalog(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it yet (a constant defined at import)."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English word needs different words in
    another (`pgettext("state", "Open")` is «Åpen», the button `_("Open")` is «Åpne»)."""
    return _catalog(current()).pgettext(context, message)


def NP_(context: str, message: str) -> str:
    """Mark `message` with its `context` for the catalog, to be translated with `pgettext` later."""
    return message


def _locale() -> str:
    return {"nb": "nb_NO", "en": "en_GB"}[current()]


def number(value: float | int, digits: int = 1, *, fixed: bool = True) -> str:
    """A number as the current language writes it, with `digits` decimals ("3,5" and "6,0" in
    Norwegian; with `fixed` off, trailing zeros dropped: "6")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + ("0" if fixed else "#") * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def date(value, form: str = "medium") -> str:
    """A date as the current language writes it (5. des. 2026 / 5 Dec 2026)."""
    from babel.dates import format_date

    return format_date(value, format=form, locale=_locale())


def join_list(items: list[str]) -> str:
    """'a, b and c' / 'a, b og c'."""
    from babel.lists import format_list

    return format_list(list(items), locale=_locale()) if items else ""


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for the kit's code and notebooks (babel.cfg): like Babel's own,
    but it reads the syntax tree, so `_()` inside an f-string's braces is found as well (Python
    3.11's tokenizer, which Babel's extractor reads, sees an f-string as one token)."""
    import ast

    source = fileobj.read()
    if source.lstrip().startswith(b"{"):  # a notebook: its code cells
        import json

        cells = json.loads(source)["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords):
            continue
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        wanted = 2 if node.func.id in ("ngettext", "pgettext", "NP_") else 1
        if len(args) < wanted or any(a is None for a in args[:wanted]):
            continue  # a variable: its strings are marked where they are written (N_)
        found.append((node.lineno, node.func.id, tuple(args[:wanted]) if wanted > 1 else args[0], []))
    yield from sorted(found, key=lambda f: f[0])
