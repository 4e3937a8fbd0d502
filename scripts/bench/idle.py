#!/usr/bin/env python3
"""Opens N idle live-update streams (/api/hackfests/{slug}/events) and prints the server's
resident memory with them open. usage: idle.py PORT SLUG N SERVER_PID"""
import asyncio
import sys

port, slug, n, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]


async def one():
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(f"GET /api/hackfests/{slug}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    head = await r.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0], head
    return w


async def main():
    conns = []
    for i in range(0, n, 500):
        conns += await asyncio.gather(*(one() for _ in range(min(500, n - i))))
    await asyncio.sleep(2)
    rss = next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS"))
    print(f"open={len(conns)} rss_kb={rss}")
    for w in conns:
        w.close()


asyncio.run(main())
