#!/usr/bin/env python3
# c2.py — the demo's "command and control" server: listens on 127.0.0.1 at
# a free port (written to PORTFILE), logs every request it gets to LOG and
# answers 200. Usage: c2.py PORTFILE LOG
import http.server
import sys

portfile, log = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        with open(log, "a") as f:
            f.write("%s %s from %s: %s\n" % (self.command, self.path, self.client_address[0],
                                            body[:120].decode("utf-8", "replace")))
        self.send_response(200)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
