"""A tiny asyncio HTTP/1.1 keep-alive client for the benchmark scripts (no third-party
packages): one connection, one request at a time, Content-Length or chunked answers."""

import asyncio
import urllib.parse

FORM = "application/x-www-form-urlencoded"


class Conn:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"", headers=None):
        """Returns (status, headers as a list of (lower-case name, value), body)."""
        if self.writer is None:
            await self._open()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        for k, v in (headers or {}).items():
            head.append(f"{k}: {v}")
        if body or method == "POST":
            head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = [(k.strip().lower(), v.strip()) for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)]
        get = lambda name: next((v for k, v in hdrs if k == name), None)
        if status in (204, 304) or method == "HEAD":
            data = b""
        elif (get("transfer-encoding") or "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
                if size == 0:  # then trailers, up to an empty line
                    while await self.reader.readuntil(b"\r\n") != b"\r\n":
                        pass
                    break
                data += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
            data = bytes(data)
        elif get("content-length") is not None:
            data = await self.reader.readexactly(int(get("content-length")))
        else:
            data = await self.reader.read()
            self.close()
        if (get("connection") or "").lower() == "close":
            self.close()
        return status, hdrs, data

    async def post_form(self, path: str, fields: dict, cookie: str = ""):
        body = urllib.parse.urlencode(fields).encode()
        h = {"Content-Type": FORM}
        if cookie:
            h["Cookie"] = cookie
        return await self.request("POST", path, body, h)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def dev_sign_in(port: int, username: str, role: str) -> str:
    """Signs in through the development sign-in; returns the Cookie header value."""
    c = Conn(port)
    status, hdrs, _ = await c.post_form("/auth/dev/sign-in", {"username": username, "role": role})
    c.close()
    cookie = "; ".join(v.split(";")[0] for k, v in hdrs if k == "set-cookie")
    if status != 303 or not cookie:
        raise SystemExit(f"dev sign-in as {username} failed: {status}")
    return cookie
