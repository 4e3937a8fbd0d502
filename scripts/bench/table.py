#!/usr/bin/env python3
"""Prints the benchmark's figures as one Markdown table, the targets beside them.
usage: table.py WORK_DIR DATABASE... (reads WORK_DIR/<database>.env and WORK_DIR/shared.env)"""
import os
import sys

work, names = sys.argv[1], sys.argv[2:]


def load(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


dbs = {n: load(os.path.join(work, f"{n}.env")) for n in names}
shared = load(os.path.join(work, "shared.env"))
TITLES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v, digits=0):
    x = num(v)
    return v if x is None else f"{x:,.{digits}f}"


def mark(v, ok=None, unit="", digits=None):
    """`v` (formatted with `digits` if given) and its unit, with ✓ or ✗ when `ok` (a
    predicate on the number) is given."""
    if v is None or v == "":
        return "—"
    shown = (fmt(v, digits) if digits is not None else v) + unit
    if ok is None or num(v) is None:
        return shown
    return f"{shown} {'✓' if ok(num(v)) else '✗'}"


le = lambda limit: (lambda x: x <= limit)
ge = lambda limit: (lambda x: x >= limit)
sqlite_only = lambda n, p: p if n == "sqlite" else None
bad = lambda d, k: f" ({d[k]} bad answers)" if d.get(k, "0") != "0" else ""

rows = []


def row(label, target, cell):
    rows.append([label, target] + [cell(n, d) if d or getattr(cell, "shared", False) else "—" for n, d in dbs.items()])


row("Overview HTML (brotli)", "≤ 300 KB",
    lambda n, d: f"{mark(d.get('overview_kb'), le(300), ' KB', 0)} ({mark(d.get('overview_br_kb'), None, ' KB', 0)})")
row("Overview, one reader: p50 / p99", "p50 ≤ 5 ms",
    lambda n, d: f"{mark(d.get('one_p50_ms'), le(5), ' ms')} / {mark(d.get('one_p99_ms'), None, ' ms')}")
row("Overview, 32 connections: req/s, p99", "≥ 400 req/s, p99 ≤ 150 ms",
    lambda n, d: f"{mark(d.get('overview_rps'), ge(400), '', 0)}, {mark(d.get('overview_p99_ms'), le(150), ' ms')}"
    + bad(d, "overview_bad"))
row("Action item page HTML (brotli)", "",
    lambda n, d: f"{mark(d.get('detail_kb'), None, ' KB')} ({mark(d.get('detail_br_kb'), None, ' KB')})")
row("Action item page, 32 connections: req/s, p99", "",
    lambda n, d: f"{mark(d.get('detail_rps'), None, '', 0)}, {mark(d.get('detail_p99_ms'), None, ' ms')}"
    + bad(d, "detail_bad"))
def ratio(d, k):
    a, b = num(d.get(k)), num(d.get("summary_nginx_rps"))
    return f" ({a / b:.2f}× nginx)" if a and b else ""


row("Search, one reader (7 queries): p50 / p99", "",
    lambda n, d: f"{mark(d.get('search_p50_ms'), None, ' ms')} / {mark(d.get('search_p99_ms'), None, ' ms')}"
    + (f" ({d['search_failed']} failed)" if d.get("search_failed", "0") != "0" else ""))
row("Summary page: uncached / 304 / from nginx's cache, req/s (× nginx static)", "",
    lambda n, d: (f"{mark(d.get('summary_uncached_rps'), None, '', 0)}{ratio(d, 'summary_uncached_rps')} / "
                  f"{mark(d.get('summary_revalidated_rps'), None, '', 0)}{ratio(d, 'summary_revalidated_rps')} / "
                  f"{mark(d.get('summary_cached_rps'), None, '', 0)}{ratio(d, 'summary_cached_rps')}; "
                  f"nginx static {mark(d.get('summary_nginx_rps'), None, '', 0)}")
    if d.get("summary_nginx_rps") else "—")
row("Timetable day page (5 days, 6 rooms, 300 sessions): HTML, req/s, p99", "",
    lambda n, d: f"{mark(d.get('timetable_kb'), None, ' KB')}, {mark(d.get('timetable_rps'), None, '', 0)}, "
    f"{mark(d.get('timetable_p99_ms'), None, ' ms')}" if d.get("timetable_rps") else "—")
row("iCal feed of those 300 sessions: bytes, req/s, p99", "",
    lambda n, d: f"{mark(d.get('ics_kb'), None, ' KB')}, {mark(d.get('ics_rps'), None, '', 0)}, "
    f"{mark(d.get('ics_p99_ms'), None, ' ms')}" if d.get("ics_rps") else "—")
row("Write path alone (16 tasks, no HTTP): changes/s, p99", "",
    lambda n, d: f"{mark(d.get('writes_per_s'), None, '/s', 0)}, {mark(d.get('writes_p99_ms'), None, ' ms')}"
    if d.get("writes_per_s") else "—")
row("Changes/s, 16 editors on different action items: rate, p99", "SQLite: ≥ 1,500/s, p99 ≤ 30 ms",
    lambda n, d: f"{mark(d.get('changes_per_s'), sqlite_only(n, ge(1500)), '/s', 0)}, "
    f"{mark(d.get('changes_p99_ms'), sqlite_only(n, le(30)), ' ms')}")
row("Failed changes (409, 5xx, socket errors) / saved", "none",
    lambda n, d: f"{mark(d.get('changes_failed'), le(0))} / {mark(d.get('changes_ok'), None, '', 0)}")
row("One change, open tabs: fetched by all (wire); per tab max / mean", "≤ 10 KB per tab",
    lambda n, d: (f"{mark(d.get('tabs_total_kb'), None, ' KB', 1)} ({mark(d.get('tabs_wire_kb'), None, ' KB', 1)}, "
                  f"{d.get('tabs_requests')} requests); {mark(d.get('tabs_max_tab_kb'), le(10), ' KB')} / "
                  f"{mark(d.get('tabs_mean_tab_kb'), le(10), ' KB')}"
                  + (f"; only {d['tabs_live']} of {d['tabs_tabs']} tabs had a live stream"
                     if d.get("tabs_live") != d.get("tabs_tabs") else ""))
    if d.get("tabs_tabs") else "—")
row("Server RSS: before / with N idle live streams (per stream)", "",
    lambda n, d: f"{d.get('rss_before_mb')} / {d.get('rss_idle_mb')} MB with {fmt(d.get('idle'))} ({d.get('idle_kb_each')} KB each)")

row("Load average (1 min) when the run started", "", lambda n, d: d.get("load", "—"))


def span(text):
    """The same figure (not one of a database) in every column."""
    cell = lambda n, d: text
    cell.shared = True
    return cell


row("WASM bundle: raw / brotli", "≤ 250 KB brotli (item 7)",
    span(f"{mark(shared.get('wasm_raw_kb'), None, ' KB', 0)} / {mark(shared.get('wasm_br_kb'), le(250), ' KB', 0)}"))
for k in sorted((k for k in shared if k.startswith("bus_")), key=lambda k: int(k[4:])):
    label, _, value = shared[k].partition(": ")
    if not value:  # "1000 live subscribers connected in 1.2 s"
        label, _, value = label.rpartition(" in ")
        label += " in"
    row(label[0].upper() + label[1:], "", span(value))

header = ["Figure", "Target (2 cores)"] + [TITLES.get(n, n) for n in dbs]
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in rows:
    print("| " + " | ".join(str(c) for c in r) + " |")
