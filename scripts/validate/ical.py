#!/usr/bin/env python3
"""Parses an iCalendar feed with the `icalendar` library (a real RFC 5545 parser) and
prints what the tests check, as JSON: the calendar's name and time zone, and per event
its UID, SEQUENCE, STATUS, times (ISO 8601 with offset, as parsed), SUMMARY,
DESCRIPTION, LOCATION and URL (unescaped, unfolded).

Before parsing it checks the raw bytes: every line ends with CRLF, no physical line is
longer than 75 octets, and the text is UTF-8 (a fold never splits a character).

Usage: ical.py < feed.ics. Exit status 2 on a check that fails, with the reason.
Used by server/tests/objects/schedule.rs.
"""
import json
import sys

try:
    import icalendar
except ImportError:
    sys.stderr.write(
        "the Python package icalendar is missing: run scripts/setup.sh "
        "(or pip install -r scripts/requirements-test.txt)\n"
    )
    sys.exit(3)


def fail(why):
    sys.stderr.write(why + "\n")
    sys.exit(2)


raw = sys.stdin.buffer.read()
try:
    raw.decode("utf-8")
except UnicodeDecodeError as e:
    fail(f"not UTF-8: {e}")
if not raw.endswith(b"\r\n"):
    fail("the feed does not end with CRLF")
lines = raw.split(b"\r\n")[:-1]
for i, line in enumerate(lines):
    if b"\n" in line or b"\r" in line:
        fail(f"line {i + 1}: a bare LF or CR")
    if len(line) > 75:
        fail(f"line {i + 1}: {len(line)} octets (at most 75)")
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(f"line {i + 1}: a fold split a UTF-8 character: {e}")

cal = icalendar.Calendar.from_ical(raw)
events = []
for ev in cal.walk("VEVENT"):
    def text(name):
        v = ev.get(name)
        return None if v is None else str(v)

    def when(name):
        v = ev.get(name)
        return None if v is None else v.dt.isoformat()

    events.append(
        {
            "uid": text("UID"),
            "sequence": int(ev.get("SEQUENCE", 0)),
            "status": text("STATUS"),
            "dtstamp": when("DTSTAMP"),
            "dtstart": when("DTSTART"),
            "dtend": when("DTEND"),
            "utc": all(
                ev.get(n).dt.utcoffset() is not None
                and ev.get(n).dt.utcoffset().total_seconds() == 0
                for n in ("DTSTART", "DTEND", "DTSTAMP")
            ),
            "summary": text("SUMMARY"),
            "description": text("DESCRIPTION"),
            "location": text("LOCATION"),
            "url": text("URL"),
        }
    )
json.dump(
    {
        "calname": None if cal.get("X-WR-CALNAME") is None else str(cal.get("X-WR-CALNAME")),
        "version": str(cal.get("VERSION")),
        "prodid": str(cal.get("PRODID")),
        "events": events,
    },
    sys.stdout,
)
