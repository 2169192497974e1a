"""After the room: the day a team comes back to its commitments, and what each person takes there.

- `sentence`: "We come back to this on 15 February 2027." in the page's language;
- `promises`: a person's own commitments from the five practices (what, first step, by when)
  and their own goal from the SWOT, as the follow-up asks about them;
- `events`: their calendar entries (slkit.ics): the follow-up day and each first step's date;
- `before_after`: their score per practice in the workshop and now.

The team's side (how far the team got, its change, with the anonymity rules) is in
`slkit.summaries.followup_sections` and `slkit.aggregate` (rule 5).

>>> import datetime as dt
>>> from slkit import i18n
>>> with i18n.use("nb"):
...     sentence(dt.date(2027, 2, 15))
'Vi kommer tilbake til dette 15. februar 2027.'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import aggregate as A, i18n
from .content import Framework
from .i18n import _
from .ics import Event

SWOT = "social_team_swot"
PRACTICES = "five_practices"


def sentence(day: dt.date) -> str:
    return _("We come back to this on {date}.").format(date=i18n.date(day, "long"))


def promises(fp_answers: dict[str, Any], swot_answers: dict[str, Any]) -> list[dict]:
    """What a person committed to: each commitment of the five practices (key commitment_N) and
    their own SWOT goal (key personal_goal), with first step and date; only those written."""
    out = []
    for n in (1, 2, 3):
        text = str(fp_answers.get(f"commitment_{n}") or "").strip()
        if text:
            out.append(dict(key=f"commitment_{n}", prefix=f"c{n}", text=text, first_step=fp_answers.get(f"commitment_{n}_first_step") or "",
                            date=fp_answers.get(f"commitment_{n}_date") or ""))
    goal = str(swot_answers.get("personal_goal") or "").strip()
    if goal:
        out.append(dict(key="personal_goal", prefix="goal", text=goal, first_step=swot_answers.get("personal_first_step") or "",
                        date=swot_answers.get("personal_date") or ""))
    return out


def events(title: str, follow_up: dt.date | None, follow_up_link: str, home_link: str, mine: list[dict]) -> list[Event]:
    """A person's calendar entries: the follow-up day (its link opens the follow-up page) and the
    date of each first step they set (its link opens their home for the session). Links carry
    the session, never who the person is."""
    out = []
    if follow_up is not None:
        out.append(Event(_("Follow-up: {title}").format(title=title), follow_up, follow_up_link,
                         _("We come back to the commitments of the workshop: what we did, what helped, what got in the way.")))
    for p in mine:
        try:
            day = dt.date.fromisoformat(str(p["date"]))
        except ValueError:
            continue
        what = p["first_step"] or p["text"]
        out.append(Event(_("First step: {step}").format(step=what[:80]), day, home_link,
                         _("My commitment from “{title}”: {text}").format(title=title, text=p["text"])))
    return out


def before_after(fp: Framework, then: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, str, float | None, float | None]]:
    """Per practice: (id, title, my score in the workshop, my score now)."""
    a, b = A.own_scores(fp, then), A.own_scores(fp, now)
    return [(s.id, s.title, a.get(s.id), b.get(s.id)) for s in fp.steps if s.id in a or s.id in b]
