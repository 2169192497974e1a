"""Calendar entries a person adds to their own calendar: the follow-up day, and each of their
commitments' first steps. No e-mail, no account: a `.ics` file to download (made with the
maintained `icalendar` library), and "add to Google Calendar / Outlook" links.

Every entry is a whole day (DTSTART;VALUE=DATE: no time zone to get wrong) whose event itself
is the reminder (Google Calendar and Outlook drop alarms from imported files). It carries the
session's link and the kit's name, never the person's code or anything that lets someone else
continue as them.

>>> import datetime as dt
>>> event = Event("Follow-up: Team day", dt.date(2027, 2, 15), "https://example.org/x", "What became of our commitments")
>>> "DTSTART;VALUE=DATE:20270215" in ics_text([event])
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from .i18n import _

PRODUCT = "-//Social Leadership Workshop Kit//slkit//EN"


@dataclass(frozen=True)
class Event:
    title: str
    day: dt.date
    link: str
    details: str = ""

    def uid(self) -> str:
        """The same event always has the same id: adding it twice updates it instead of copying it."""
        return hashlib.sha256(f"{self.title}|{self.day}|{self.link}".encode()).hexdigest()[:24] + "@slkit"

    def description(self) -> str:
        return "\n\n".join(filter(None, [self.details, self.link, _("Social Leadership Workshop")]))


def ics_text(events: list[Event]) -> str:
    """The events as one iCalendar file (RFC 5545)."""
    from icalendar import Calendar, Event as VEvent

    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for e in events:
        ev = VEvent()
        ev.add("uid", e.uid())
        ev.add("dtstamp", stamp)
        ev.add("summary", e.title)
        ev.add("dtstart", e.day)  # a date: an all-day event, the same day wherever the calendar is
        ev.add("dtend", e.day + dt.timedelta(days=1))
        ev.add("description", e.description())
        ev.add("url", e.link)
        ev.add("transp", "TRANSPARENT")  # a reminder, not a meeting: the day stays free
        cal.add_component(ev)
    return cal.to_ical().decode("utf-8")


def google_link(e: Event) -> str:
    """Add to Google Calendar: its own page, filled in (the person clicks it; nothing is sent before)."""
    dates = f"{e.day:%Y%m%d}/{e.day + dt.timedelta(days=1):%Y%m%d}"
    return "https://calendar.google.com/calendar/render?" + urlencode(
        {"action": "TEMPLATE", "text": e.title, "dates": dates, "details": e.description()})


def outlook_link(e: Event) -> str:
    """Add to Outlook on the web: its own page, filled in."""
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(
        {"path": "/calendar/action/compose", "rru": "addevent", "subject": e.title, "startdt": e.day.isoformat(),
         "enddt": (e.day + dt.timedelta(days=1)).isoformat(), "allday": "true", "body": e.description()})
