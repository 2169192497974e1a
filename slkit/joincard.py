"""The join card: a printable A4 page for a wall or a table (the QR code, the session code and
the link, large), and a page of small cards on which each person can write their personal
code to take home. One self-contained HTML file, no scripts, nothing fetched."""

from __future__ import annotations

from . import i18n
from .i18n import _
from .report import html_page
from .sessions import qr_svg
from .text import esc

CARDS = 8  # small cards on the second page (2 across, 4 down)

STYLE = (
    "@page{size:A4;margin:12mm}body{max-width:186mm;margin:0 auto;padding:0;color:#000}"
    ".poster{text-align:center;padding-top:6mm}.poster h1{font-size:26pt;margin:0 0 4mm;color:#123c5a}"
    ".poster .scan{font-size:18pt;margin:2mm 0}.poster .qr svg{width:120mm;height:120mm}"
    ".poster .code{font:700 40pt/1.1 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.12em;margin:2mm 0 4mm}"
    ".poster .link{font-size:15pt;word-break:break-all;margin:1mm 0}.poster .small{font-size:12pt;color:#333}"
    ".cards{display:grid;grid-template-columns:1fr 1fr;gap:0;break-before:page;padding-top:2mm}"
    ".card{border:1px dashed #555;padding:4mm 5mm;height:60mm;box-sizing:border-box;break-inside:avoid;font-size:10.5pt;"
    "display:flex;flex-direction:column;gap:1.5mm}.card .title{font-weight:700;color:#123c5a;font-size:12pt}"
    ".card .write{margin-top:auto;border-bottom:1.5px solid #000;height:9mm}.card .hint{color:#333;font-size:9pt}"
    ".cards-intro{grid-column:1/3;font-size:10pt;color:#333;margin:0 0 2mm}"
    "@media screen{body{padding:1em}.cards{margin-top:2em}}"
)


def join_card_html(title: str, code: str, link: str, language: str | None = None, follow_up=None, follow_up_url: str | None = None) -> str:
    """The poster and the cards, in `language` (the session's; default: the one being written in);
    with `follow_up` (a date) the cards say when the team comes back to its commitments, and the
    note for the facilitator above them which link to send the team that day (`follow_up_url`)."""
    with i18n.use(language):
        return _join_card_html(title, code, link, follow_up, follow_up_url)


def _join_card_html(title: str, code: str, link: str, follow_up=None, follow_up_url: str | None = None) -> str:
    from .followup import sentence
    poster = (
        f"<section class='poster'><h1>{esc(title)}</h1><p class='scan'>{esc(_('Scan the code with your phone’s camera to join'))}</p>"
        f"<div class='qr' role='img' aria-label='{esc(_('QR code of the join link'))}'>{qr_svg(link, 8)}</div>"
        f"<p class='small'>{_('or open')}</p><p class='link'>{esc(link)}</p><p class='small'>{_('Session code')}</p>"
        f"<p class='code' translate='no'>{esc(code)}</p></section>"
    )
    card = (
        f"<div class='card'><span class='title'>{esc(title)}</span><span>{_('Session code')} <b translate='no'>{esc(code)}</b></span>"
        f"<span class='hint'>{esc(link)}</span><span>{_('My personal code:')}</span><span class='write'></span>"
        f"<span class='hint'>{_('With this code you continue as yourself on another phone or computer.')}</span>"
        + (f"<span class='hint follow-up'>{esc(sentence(follow_up))} {esc(_('Keep this card: your code brings back your commitments then.'))}</span>"
           if follow_up else "") + "</div>"
    )
    send = ""
    if follow_up and follow_up_url:
        send = " " + esc(_("On {date}, send the team the follow-up link: {link}").format(date=i18n.date(follow_up, "long"), link=follow_up_url))
    cards = ("<section class='cards'><p class='cards-intro'>" + _("Cut along the dashed lines: one card per person, "
             "to write their personal code on.") + send + "</p>" + card * CARDS + "</section>")
    return html_page(_("Join card: {title}").format(title=title), poster + cards, style=STYLE)
