#!/usr/bin/python3
# scripted-server.py: a small MCP server over HTTP+SSE whose tools play
# the scenes the binding tests need, then the test command against it
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: scripted-server.py COMMAND [ARGUMENT...]
#
# Serves on 127.0.0.1 (a free port), runs COMMAND with MCP_SSE_TEST_URL set
# to the URL of the event stream, and exits with its status. The tools:
#
#   progress  two calls are held until both arrived, then each gets three
#             progress notifications under its own token, interleaved with
#             the other's, and its result
#   ask       the server asks the client `roots/list` and answers the call
#             with the client's reply, once it came
#   fail      answered with a JSON-RPC error that has `data`
#   whoami    answered with the Authorization header of its POST

import json
import os
import queue
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class Session:
    def __init__(self):
        self.outbox = queue.Queue()
        self.lock = threading.Lock()
        self.progress_calls = []     # (id, token) held until there are two
        self.asks = {}               # our request id -> the tools/call id
        self.next_ask = 1

    def send(self, message):
        self.outbox.put(json.dumps(message))

    def reply(self, request_id, result):
        self.send({'jsonrpc': '2.0', 'id': request_id, 'result': result})

    def reply_error(self, request_id, code, message, data=None):
        error = {'code': code, 'message': message}
        if data is not None:
            error['data'] = data
        self.send({'jsonrpc': '2.0', 'id': request_id, 'error': error})


def text_result(text):
    return {'content': [{'type': 'text', 'text': text}]}


def handle(session, message, authorization=None):
    method = message.get('method')
    request_id = message.get('id')

    if method is None:
        # The client's reply to one of our requests.
        with session.lock:
            call_id = session.asks.pop(request_id, None)
        if call_id is not None:
            session.reply(call_id, text_result(json.dumps(message.get('result'))))
        return

    if request_id is None:
        return  # a notification

    params = message.get('params') or {}
    if method == 'initialize':
        session.reply(request_id, {
            'protocolVersion': params.get('protocolVersion', '2025-06-18'),
            'capabilities': {'tools': {}},
            'serverInfo': {'name': 'scripted', 'version': '1'},
        })
    elif method == 'ping':
        session.reply(request_id, {})
    elif method == 'tools/call' and params.get('name') == 'whoami':
        session.reply(request_id, text_result(authorization or ''))
    elif method == 'tools/call':
        call_tool(session, request_id, params)
    else:
        session.reply_error(request_id, -32601, 'Method not found: %s' % method)


def call_tool(session, request_id, params):
    name = params.get('name')

    if name == 'progress':
        token = (params.get('_meta') or {}).get('progressToken')
        with session.lock:
            session.progress_calls.append((request_id, token))
            if len(session.progress_calls) < 2:
                return
            calls, session.progress_calls = session.progress_calls, []
        for step in range(1, 4):
            for call_id, call_token in calls:
                session.send({'jsonrpc': '2.0', 'method': 'notifications/progress',
                              'params': {'progressToken': call_token, 'progress': step,
                                         'total': 3, 'message': 'step %d' % step}})
        for call_id, call_token in calls:
            session.reply(call_id, text_result(json.dumps(call_token)))
    elif name == 'ask':
        with session.lock:
            ask_id = 'ask-%d' % session.next_ask
            session.next_ask += 1
            session.asks[ask_id] = request_id
        session.send({'jsonrpc': '2.0', 'id': ask_id, 'method': 'roots/list'})
    elif name == 'fail':
        session.reply_error(request_id, -32001, 'The tool failed',
                            {'reason': 'scripted', 'attempts': 3})
    else:
        session.reply_error(request_id, -32602, 'Unknown tool: %s' % name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    sessions = {}
    sessions_lock = threading.Lock()
    next_session = [1]

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        if urlparse(self.path).path != '/sse':
            self.send_error(404)
            return

        session = Session()
        with self.sessions_lock:
            session_id = str(self.next_session[0])
            self.next_session[0] += 1
            self.sessions[session_id] = session

        self.send_response(200)
        self.send_header('Content-Type', 'text/event-stream')
        self.send_header('Cache-Control', 'no-store')
        self.send_header('Connection', 'close')
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(('event: endpoint\ndata: /message?session=%s\n\n'
                              % session_id).encode())
            self.wfile.flush()
            while True:
                data = session.outbox.get()
                self.wfile.write(('event: message\ndata: %s\n\n' % data).encode())
                self.wfile.flush()
        except OSError:
            pass
        finally:
            with self.sessions_lock:
                self.sessions.pop(session_id, None)

    def do_POST(self):
        url = urlparse(self.path)
        session_id = parse_qs(url.query).get('session', [''])[0]
        with self.sessions_lock:
            session = self.sessions.get(session_id)
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))

        if url.path != '/message' or session is None:
            self.send_response(404)
            self.send_header('Content-Length', '0')
            self.end_headers()
            return

        self.send_response(202)
        self.send_header('Content-Length', '0')
        self.end_headers()
        self.wfile.flush()

        message = json.loads(body)
        for one in message if isinstance(message, list) else [message]:
            handle(session, one, self.headers.get('Authorization'))


def main(argv):
    if len(argv) < 2:
        print('usage: %s COMMAND [ARGUMENT...]' % argv[0], file=sys.stderr)
        return 2

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    env = dict(os.environ)
    env['MCP_SSE_TEST_URL'] = 'http://127.0.0.1:%d/sse' % server.server_address[1]
    try:
        status = subprocess.run(argv[1:], env=env, stdin=subprocess.DEVNULL).returncode
    finally:
        server.shutdown()
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv))
