#!/usr/bin/python3
# test-authorizer.py: McpSse.BearerAuthorizer through GObject introspection
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Loads the uninstalled McpSse-1.typelib, connects a ConnectionManager
# with a BearerAuthorizer to a small HTTP+SSE server on 127.0.0.1 (a
# thread of this process), sends one message, and checks the
# Authorization header of the GET and the POST as the server saw them.
# Prints TAP.

import http.server
import threading
import traceback

import gi

gi.require_version('McpSse', '1')
gi.require_version('Json', '1.0')
from gi.repository import GLib, Json, McpSse  # noqa: E402

TOKEN = 'py-token-1'
DEADLINE_SECONDS = 20

seen = []
closing = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        seen.append(('GET', self.headers.get('Authorization')))
        self.send_response(200)
        self.send_header('Content-Type', 'text/event-stream')
        self.send_header('Cache-Control', 'no-store')
        self.end_headers()
        self.wfile.write(b'event: endpoint\ndata: /message\n\n')
        self.wfile.flush()
        # The stream stays open until the test is over.
        closing.wait(DEADLINE_SECONDS)
        self.close_connection = True

    def do_POST(self):
        length = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(length)
        seen.append(('POST', self.headers.get('Authorization'), body))
        self.send_response(202)
        self.send_header('Content-Length', '0')
        self.end_headers()


def run(manager, start, finish, *args):
    loop = GLib.MainLoop()
    outcome = {}

    def done(source, result):
        try:
            outcome['value'] = finish(result)
        except GLib.Error as error:
            outcome['error'] = error
        loop.quit()

    start(*args, None, done)
    timeout = GLib.timeout_add_seconds(DEADLINE_SECONDS, loop.quit)
    loop.run()
    GLib.source_remove(timeout)
    if 'error' in outcome:
        raise AssertionError(outcome['error'].message)
    assert outcome.get('value') is True, outcome


def test_bearer_authorizer():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = 'http://127.0.0.1:%d/sse' % server.server_address[1]
        manager = McpSse.ConnectionManager.new(url)
        authorizer = McpSse.BearerAuthorizer.new(TOKEN)
        assert authorizer.props.token == TOKEN
        manager.props.authorizer = authorizer
        assert manager.get_authorizer() == authorizer

        run(manager, manager.start_async, manager.start_finish)
        message = Json.from_string('{"jsonrpc":"2.0","method":"ping","id":1}')
        run(manager, manager.send_async, manager.send_finish, message)
        manager.stop()

        assert seen[0] == ('GET', 'Bearer ' + TOKEN), seen
        assert seen[1][:2] == ('POST', 'Bearer ' + TOKEN), seen
        assert b'"ping"' in seen[1][2], seen
    finally:
        closing.set()
        server.shutdown()
        server.server_close()


def main():
    tests = [test_bearer_authorizer]
    print('1..%d' % len(tests))
    failed = 0
    for number, test in enumerate(tests, 1):
        try:
            test()
            print('ok %d %s' % (number, test.__name__))
        except Exception:
            failed += 1
            print('not ok %d %s' % (number, test.__name__))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    raise SystemExit(main())
