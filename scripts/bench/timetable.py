#!/usr/bin/env python3
"""Seeds the timetable benchmark's hackfest through the server functions: 5 days, 6 rooms
(open 08:00-18:00), 300 sessions (each room booked hour by hour, 10 a day), each with
two participants. Prints the slug's first day and a room id for the load generator.

usage: timetable.py PORT SLUG
Prints: TIMETABLE slug=SLUG day=2026-11-24 room=<uuid> sessions=300 rooms=6"""

import asyncio
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from seed import new_hackfest, run_all  # noqa: E402

DAYS, ROOMS, HOURS = 5, 6, 10


async def main():
    port, slug = int(sys.argv[1]), sys.argv[2]
    cookie = await new_hackfest(port, slug, "Timetable Benchmark", "Europe/Prague", "Brno",
                                "Five days, six rooms, 300 sessions.")
    rooms = [{"slug": slug, "form[name]": f"Room {r}", "form[location]": f"Floor {r % 3 + 1}",
              "form[capacity]": str(8 + r), "form[equipment]": "projector, whiteboard",
              "form[notes]": "", "form[opens]": "08:00", "form[closes]": "18:00"} for r in range(ROOMS)]
    room_ids = [r["id"] for r in await run_all(port, cookie, "/api/rooms/create", rooms)]
    kinds = ["discussion", "meeting", "work", "social"]
    sessions = []
    for d in range(DAYS):
        for r, room in enumerate(room_ids):
            for h in range(HOURS):
                i = len(sessions)
                sessions.append({
                    "slug": slug, "form[title]": f"Session {i}: plan the storage move",
                    "form[kind]": kinds[i % 4],
                    "form[starts_at]": f"2026-11-{23 + d}T{8 + h:02}:00",
                    "form[ends_at]": f"2026-11-{23 + d}T{8 + h:02}:50",
                    "form[room_id]": room, "form[room]": "",
                    "form[participants]": f"user{i % 17}\nuser{(i + 5) % 17}",
                    "form[goal_ids]": "", "form[agenda]": "- status\n- next steps",
                    "form[notes]": ""})
    await run_all(port, cookie, "/api/sessions/create", sessions)
    print(f"TIMETABLE slug={slug} day=2026-11-24 room={room_ids[0]} sessions={len(sessions)} rooms={len(room_ids)}")


asyncio.run(main())
