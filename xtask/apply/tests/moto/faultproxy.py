#!/usr/bin/env python3
"""Loopback fault-injection proxy for AWS Query-protocol services (IAM, STS), for the apply
engine's tests: it sits between the SDK and moto and forwards every request unchanged unless
a fault is armed for it.

usage: faultproxy.py LISTEN_PORT UPSTREAM_PORT     (127.0.0.1; LISTEN_PORT 0 picks a free one)
prints 'PORT <n>' on stdout once listening.

Control (plain GET, answered with the JSON stats):
  /__fault?mode=M[&count=N][&after=K][&action=A][&writes=1][&delay=S][&status=&code=&message=]
      arms a fault: after skipping K matching requests, the next N matching ones get mode M.
      A request matches when its Action= equals A (default: any) and, with writes=1, when it
      is a write call (any action but Get*, List* and STS AssumeRole*). Faults stack: each
      request takes the first armed fault it matches.
      Modes: throttle (400 Throttling), throttle429 (429), 500 (ServiceFailure), 503
      (ServiceUnavailable), conflict (409 ConcurrentModification), slow (sleep S s, then
      forward), drop (close, no reply), reset (TCP RST), lose (forward so it takes effect, then
      close without reply), error (any error: &status=&code=&message=), stall (hold the
      request, unforwarded, until /__release or /__reset, then close: a client killed
      mid-call).
               &p=P: a matching request gets the fault with probability P (default 1), e.g.
               10 % throttling; seeded, so a run is repeatable.
               mode=rewrite&find=TEXT&replace=TEXT: forward, then replace TEXT in the answer
               (e.g. a lower quota in GetAccountSummary).
               Calls on the engine's own lock and ledger policies (path /rolewright/) are
               bookkeeping: not writes, never faulted, listed in actions as
               "Action (bookkeeping)".
  /__stats     counters: requests, faulted, writes (write calls forwarded), stalled (held now),
               actions (every action in order)
  /__release   closes the stalled requests
  /__reset     disarms everything, releases stalled requests, zeroes the counters

When ROLEWRIGHT_PARENT_PID is set, the proxy exits as soon as that process is gone.

Provenance: extends the proxy design in the project's research note on IAM and moto
(`iam-api-and-moto.md` §4, shared reference material, 2026) with stacked faults, skip counts,
write-only matching and stalls.
"""
import http.client
import json
import random
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UP = ("127.0.0.1", int(sys.argv[2]))
LOCK = threading.Lock()
RELEASE = threading.Condition(LOCK)
FAULTS = []  # dicts: mode, count, after, action, writes, delay, status, code, message
STATS = {"requests": 0, "faulted": 0, "writes": 0, "stalled": 0, "actions": []}
GENERATION = [0]  # bumped by release/reset to free stalled requests
ERR = {
    "throttle": (400, "Sender", "Throttling", "Rate exceeded"),
    "throttle429": (429, "Sender", "Throttling", "Rate exceeded"),
    "500": (500, "Receiver", "ServiceFailure", "injected internal failure"),
    "503": (503, "Receiver", "ServiceUnavailable", "injected unavailable"),
    "conflict": (409, "Sender", "ConcurrentModification", "injected concurrent modification"),
}


RANDOM = random.Random(12)


def is_write(action):
    return not (action.startswith("Get") or action.startswith("List") or action.startswith("AssumeRole"))


def xml_error(typ, code, msg):
    return (
        f'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>{typ}</Type>'
        f"<Code>{code}</Code><Message>{msg}</Message></Error>"
        f"<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    ).encode()


def snapshot():
    return json.dumps({"faults": FAULTS, **STATS}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body, ctype="text/xml"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _close(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if not u.path.startswith("/__"):
            return self.forward(b"")
        q = dict(urllib.parse.parse_qsl(u.query))
        with LOCK:
            if u.path == "/__fault":
                FAULTS.append({
                    "mode": q.get("mode"),
                    "count": int(q.get("count", 1)),
                    "after": int(q.get("after", 0)),
                    "action": q.get("action"),
                    "writes": q.get("writes") == "1",
                    "delay": float(q.get("delay", 0)),
                    "status": int(q.get("status", 400)),
                    "code": q.get("code", "InvalidInput"),
                    "message": q.get("message", "injected"),
                    "find": q.get("find", ""),
                    "p": float(q.get("p", 1)),
                    "replace": q.get("replace", ""),
                })
            elif u.path in ("/__release", "/__reset"):
                GENERATION[0] += 1
                RELEASE.notify_all()
                if u.path == "/__reset":
                    FAULTS.clear()
                    STATS.update(requests=0, faulted=0, writes=0, actions=[])
            body = snapshot()
        return self._send(200, body, "application/json")

    def do_POST(self):
        return self.forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def forward(self, body):
        action = dict(urllib.parse.parse_qsl(body.decode(errors="replace"))).get("Action", "?")
        # The engine's bookkeeping (its lock and ledger policies under /rolewright/) is not a
        # write of the deployment: not counted in "writes", not hit by write-only faults.
        book = b"%2Frolewright%2F" in body
        write = is_write(action) and not book
        with LOCK:
            STATS["requests"] += 1
            STATS["actions"].append(action + " (bookkeeping)" if book else action)
            fault = None
            for f in ([] if book else FAULTS):
                if f["count"] <= 0 or f["action"] not in (None, action) or (f["writes"] and not write):
                    continue
                if f["after"] > 0:
                    f["after"] -= 1
                    continue
                if f["p"] < 1 and RANDOM.random() >= f["p"]:
                    continue
                f["count"] -= 1
                fault = dict(f)
                STATS["faulted"] += 1
                break
            if fault and fault["mode"] == "stall":
                STATS["stalled"] += 1
                generation = GENERATION[0]
                while GENERATION[0] == generation:
                    RELEASE.wait()
                STATS["stalled"] -= 1
        mode = fault["mode"] if fault else None
        if mode == "stall":
            return self._close()
        if mode == "error":
            typ = "Sender" if fault["status"] < 500 else "Receiver"
            return self._send(fault["status"], xml_error(typ, fault["code"], fault["message"]))
        if mode in ERR:
            status, typ, code, msg = ERR[mode]
            return self._send(status, xml_error(typ, code, msg))
        if mode == "drop":
            return self._close()
        if mode == "reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return None
        if mode == "slow":
            time.sleep(fault["delay"])
        conn = http.client.HTTPConnection(*UP, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if write and resp.status < 300:
            with LOCK:
                STATS["writes"] += 1
        if mode == "lose":
            return self._close()
        if mode == "rewrite":
            data = data.replace(fault["find"].encode(), fault["replace"].encode())
        try:
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("connection", "transfer-encoding", "content-length", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, e.g. its attempt timeout fired during 'slow'
        return None


def watch_parent():
    pid = int(os.environ.get("ROLEWRIGHT_PARENT_PID", "0") or 0)
    if pid <= 0:
        return

    def loop():
        while True:
            try:
                os.kill(pid, 0)
            except OSError:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=loop, daemon=True).start()


if __name__ == "__main__":
    watch_parent()
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    print("PORT", server.server_address[1], flush=True)
    server.serve_forever()
