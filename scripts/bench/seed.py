#!/usr/bin/env python3
"""Seeds the benchmark hackfest through the server functions, as a person would create it:
goals (every 50th a big goal, every third small goal under the latest big one), sessions
(linked to goals), decisions (taken in a session, about goals, with follow-ups) and action
items (linked to a goal, a session and a decision). Several keep-alive connections in parallel.

usage: seed.py PORT SLUG GOALS SESSIONS DECISIONS ACTIONS OUT_DIR
Writes OUT_DIR/seed.json (slug, cookie, ids) and OUT_DIR/actions.tsv (id, version and the
rest of each action item's form, URL-encoded, for the editors' load generator)."""

import asyncio
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from http1 import Conn, dev_sign_in  # noqa: E402

PARALLEL = int(os.environ.get("BENCH_SEED_CONNECTIONS", "4"))


async def run_all(port, cookie, path, forms):
    """POSTs every form to `path` over PARALLEL connections; returns the answers in order."""
    out = [None] * len(forms)
    queue = list(enumerate(forms))[::-1]

    async def worker():
        c = Conn(port)
        while queue:
            i, fields = queue.pop()
            status, _, body = await c.post_form(path, fields, cookie)
            if status != 200:
                raise SystemExit(f"{path} #{i}: {status} {body[:300]!r}")
            out[i] = json.loads(body)
        c.close()

    await asyncio.gather(*(worker() for _ in range(min(PARALLEL, len(forms)))))
    return out


async def new_hackfest(port, slug, title, time_zone, location, description):
    """Signs in as the bench's admin and creates the week 2026-11-23..27: the cookie."""
    cookie = await dev_sign_in(port, "bench", "admin")
    c = Conn(port)
    status, _, body = await c.post_form("/api/hackfests/create", {
        "form[slug]": slug, "form[title]": title, "form[start_date]": "2026-11-23",
        "form[end_date]": "2026-11-27", "form[time_zone]": time_zone, "form[location]": location,
        "form[description]": description}, cookie)
    c.close()
    if status != 200:
        raise SystemExit(f"hackfests/create: {status} {body[:300]!r}")
    return cookie


async def main():
    port, slug = int(sys.argv[1]), sys.argv[2]
    n_goals, n_sessions, n_decisions, n_actions = map(int, sys.argv[3:7])
    out_dir = sys.argv[7]
    t0 = time.monotonic()
    cookie = await new_hackfest(port, slug, "Benchmark Hackfest", "UTC", "Lab", "A hackfest to measure.")

    def goal(i, parent=""):
        return {"slug": slug, "form[title]": f"Goal {i}: make something faster",
                "form[description]": "A goal to measure, with **some** Markdown.",
                "form[kind]": "big" if i % 50 == 0 else "small", "form[status]": "active",
                "form[progress]": str(i % 101), "form[owner]": f"user{i % 17}", "form[parent_id]": parent}

    bigs = [i for i in range(n_goals) if i % 50 == 0]
    big_ids = [g["id"] for g in await run_all(port, cookie, "/api/goals/create", [goal(i) for i in bigs])]
    smalls = [i for i in range(n_goals) if i % 50 != 0]
    small_forms = [goal(i, big_ids[i // 50] if i % 3 == 0 else "") for i in smalls]
    small_ids = [g["id"] for g in await run_all(port, cookie, "/api/goals/create", small_forms)]
    goal_ids = [None] * n_goals
    for i, gid in zip(bigs, big_ids):
        goal_ids[i] = gid
    for i, gid in zip(smalls, small_ids):
        goal_ids[i] = gid
    g = lambda k: goal_ids[k % n_goals]

    kinds = ["discussion", "meeting", "work", "social"]
    sessions = [{
        "slug": slug, "form[title]": f"Session {i}: sync on the plan", "form[kind]": kinds[i % 4],
        "form[starts_at]": f"2026-11-{23 + i % 5}T{9 + (i // 5) % 8:02}:{(i // 40) % 2 * 30:02}",
        "form[ends_at]": f"2026-11-{23 + i % 5}T{10 + (i // 5) % 8:02}:{(i // 40) % 2 * 30:02}",
        "form[room]": f"Room {i % 12}", "form[participants]": f"user{i % 17}, user{(i + 5) % 17}",
        "form[goal_ids]": f"{g(i * 5)},{g(i * 5 + 1)}", "form[agenda]": "- status\n- next steps",
        "form[notes]": f"Notes of session {i}."} for i in range(n_sessions)]
    session_ids = [s["id"] for s in await run_all(port, cookie, "/api/sessions/create", sessions)]
    s = lambda k: session_ids[k % n_sessions] if n_sessions else ""

    statuses = ["proposed", "agreed", "rejected"]
    decisions = [{
        "slug": slug, "form[title]": f"Decision {i}: use the faster path", "form[context]": "Why it came up.",
        "form[decision]": "What we agreed.", "form[status]": statuses[i % 3], "form[superseded_by]": "",
        "form[session_id]": s(i), "form[goal_ids]": g(i * 3),
        "form[followups]": f"[ ] follow up {i}\n[x] write it down"} for i in range(n_decisions)]
    decision_ids = [d["id"] for d in await run_all(port, cookie, "/api/decisions/create", decisions)]
    d = lambda k: decision_ids[k % n_decisions] if n_decisions else ""

    action_statuses = ["open", "in_progress", "blocked", "done"]
    actions = [{
        "slug": slug, "form[title]": f"Action {i}: send the patch", "form[description]": "What to do, and **why**.",
        "form[owner]": f"user{i % 17}", "form[due_date]": f"2026-11-{24 + i % 4}",
        "form[status]": action_statuses[i % 4], "form[goal_id]": g(i * 7), "form[session_id]": s(i),
        "form[decision_id]": d(i)} for i in range(n_actions)]
    created = await run_all(port, cookie, "/api/actions/create", actions)

    with open(os.path.join(out_dir, "seed.json"), "w") as f:
        json.dump({"slug": slug, "cookie": cookie, "goals": goal_ids, "sessions": session_ids,
                   "decisions": decision_ids,
                   "actions": [{"id": a["id"], "version": a["version"], "form": {k: v for k, v in form.items()
                                                                               if k.startswith("form[")}}
                               for a, form in zip(created, actions)]}, f)
    with open(os.path.join(out_dir, "actions.tsv"), "w") as f:
        for a, form in zip(created, actions):
            rest = {k: v for k, v in form.items() if k.startswith("form[") and k != "form[title]"}
            f.write(f"{a['id']}\t{a['version']}\t{urllib.parse.urlencode(rest)}\n")
    total = n_goals + n_sessions + n_decisions + n_actions
    print(f"seeded {total} objects in {time.monotonic() - t0:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
