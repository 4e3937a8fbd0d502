#!/usr/bin/env python3
"""A webhook receiver for the tests, verifying every delivery with the `standardwebhooks`
package (an implementation independent of the app's; PyPI).

Prints its port on the first line of stdout, then serves on 127.0.0.1:
- POST /hook      verifies the signature with the secret it was given; 204 when it
                  holds, 400 when not; 503 while "down". Counts acknowledged
                  webhook-ids and records the receipt time of each.
- POST /gone      answers 410 Gone.   POST /redirect  answers 302 to /hook.
- POST /__control {"secret": "whsec_…", "down": true|false} sets what it checks with
                  and whether it is down.
- GET  /__log     {"acked": {id: count}, "attempts": n, "refused": n, "bad": [reasons],
                  "gone": n, "redirects": n, "latency_ms": [receipt - message time]}.

Before serving it checks the spec's published test vector with the library, and exits
with status 3 when the package is missing.
"""
import json
import re
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from standardwebhooks.webhooks import Webhook
except ImportError as e:
    sys.stderr.write(f"the Python package standardwebhooks is missing ({e}): run scripts/setup.sh\n")
    sys.exit(3)

VECTOR = Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign(
    "msg_p5jXN8AQM9LWM0D4loKWxJek",
    datetime.fromtimestamp(1614265330, tz=timezone.utc),
    '{"test": 2432232314}',
)
if VECTOR != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=":
    sys.stderr.write(f"the library signs the spec's test vector as {VECTOR}\n")
    sys.exit(2)

lock = threading.Lock()
state = {"secret": None, "down": False}
log = {"acked": {}, "attempts": 0, "refused": 0, "bad": [], "gone": 0, "redirects": 0, "latency_ms": []}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/__log":
            with lock:
                body = json.dumps(log).encode()
            self.answer(200, body, [("Content-Type", "application/json")])
        else:
            self.answer(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/__control":
            with lock:
                state.update(json.loads(raw))
            return self.answer(204)
        if self.path == "/gone":
            with lock:
                log["gone"] += 1
            return self.answer(410)
        if self.path == "/redirect":
            with lock:
                log["redirects"] += 1
            return self.answer(302, headers=[("Location", "/hook")])
        if self.path != "/hook":
            return self.answer(404)
        received = datetime.now(timezone.utc)
        with lock:
            log["attempts"] += 1
            down, secret = state["down"], state["secret"]
        if down:
            with lock:
                log["refused"] += 1
            return self.answer(503)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = Webhook(secret).verify(raw.decode(), headers)
        except Exception as e:
            with lock:
                log["bad"].append(f"{headers.get('webhook-id')}: {e}")
            return self.answer(400)
        with lock:
            wid = headers["webhook-id"]
            log["acked"][wid] = log["acked"].get(wid, 0) + 1
            stamp = re.sub(r"(\.\d{6})\d+", r"\1", payload["timestamp"].replace("Z", "+00:00"))
            sent = datetime.fromisoformat(stamp)
            log["latency_ms"].append((received - sent).total_seconds() * 1000)
        self.answer(204)


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
