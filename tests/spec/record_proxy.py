#!/usr/bin/python3
"""A recording HTTP proxy for the spec check: forwards every request to UPSTREAM and appends
the exchange to LOG as one JSON line ({"method", "target", "request_body", "status",
"response_body"}). Listens on 127.0.0.1 on a free port and prints `listening on PORT`.
Bounded: bodies over 1 MiB are refused (413) and at most 20000 exchanges are kept; idle
connections time out after 10 s. The Authorization header is forwarded, never logged.

Usage: record_proxy.py UPSTREAM_BASE_URL LOG
"""
import http.client
import http.server
import json
import sys
import threading
import urllib.parse

MAX_BODY = 1 << 20
MAX_EXCHANGES = 20000
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    upstream = urllib.parse.urlsplit(argv[1])
    log = open(argv[2], "a", encoding="utf-8")
    lock = threading.Lock()
    count = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, *args):
            pass

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            conn = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
            try:
                conn.request(self.command, self.path, body=body or None, headers=headers)
                reply = conn.getresponse()
                data = reply.read(MAX_BODY + 1)[:MAX_BODY]
                status, reply_headers = reply.status, reply.getheaders()
            finally:
                conn.close()
            with lock:
                if count[0] < MAX_EXCHANGES:
                    count[0] += 1
                    log.write(json.dumps({
                        "method": self.command, "target": self.path,
                        "request_body": body.decode("utf-8", "replace"), "status": status,
                        "response_body": data.decode("utf-8", "replace")}) + "\n")
                    log.flush()
            self.send_response(status)
            for k, v in reply_headers:
                if k.lower() not in HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
