#!/usr/bin/python3
# stdio-server.py: MCP servers over stdio that play the scenes the tests need
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: stdio-server.py SCENE [ARGUMENT]
#
#   echo           writes back every line it reads; exits at the end of its input
#   partial        writes a message and half of another, then exits with status 3
#   exit N         exits with status N at once
#   kill-self      kills itself with SIGKILL
#   stderr-flood N writes N MiB of log lines (some longer than 4 KiB) on stderr
#                  while it echoes its input, then {"flood":"done"}
#   no-read        says {"ready":true} and never reads its input
#   ignore-term    ignores SIGTERM and the end of its input, says {"ready":true}
#   big-line N     writes one message line of N MiB, then {"after":"big"}
#   invalid        writes lines that are not messages, then {"valid":true}
#   mcp            a small MCP server: initialize, tools/list, tools/call (echo),
#                  ping; logs each request on stderr

import json
import os
import signal
import sys
import threading
import time

lock = threading.Lock()


def write(data):
    with lock:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def send(message):
    write(json.dumps(message).encode() + b'\n')


def sleep_for_ever():
    while True:
        time.sleep(3600)


def echo():
    for line in sys.stdin.buffer:
        write(line)


def flood(mebibytes):
    written = 0
    number = 0
    while written < mebibytes * 1024 * 1024:
        if number % 100 == 99:
            line = b'L' * 10000       # cut by the transport
        else:
            line = b'log line %d of the flood' % number
        sys.stderr.buffer.write(line + b'\n')
        written += len(line) + 1
        number += 1
    sys.stderr.buffer.flush()
    send({'flood': 'done', 'lines': number})


def mcp():
    tools = [{'name': 'echo', 'description': 'Says back its text',
              'inputSchema': {'type': 'object', 'properties': {'text': {'type': 'string'}}}}]
    for line in sys.stdin.buffer:
        request = json.loads(line)
        method = request.get('method')
        sys.stderr.write('request %s\n' % method)
        sys.stderr.flush()
        if 'id' not in request:
            continue
        if method == 'initialize':
            result = {'protocolVersion': request['params']['protocolVersion'],
                      'capabilities': {'tools': {}},
                      'serverInfo': {'name': 'stdio-server.py', 'version': '1.0'}}
        elif method == 'tools/list':
            result = {'tools': tools}
        elif method == 'tools/call':
            text = request['params'].get('arguments', {}).get('text', '')
            result = {'content': [{'type': 'text', 'text': text}]}
        elif method == 'ping':
            result = {}
        else:
            send({'jsonrpc': '2.0', 'id': request['id'],
                  'error': {'code': -32601, 'message': 'Unknown method ' + str(method)}})
            continue
        send({'jsonrpc': '2.0', 'id': request['id'], 'result': result})


def main():
    scene = sys.argv[1]
    argument = sys.argv[2] if len(sys.argv) > 2 else None

    if scene == 'echo':
        echo()
    elif scene == 'partial':
        write(b'{"jsonrpc":"2.0","method":"first"}\n{"jsonrpc":"2.0","met')
        sys.exit(3)
    elif scene == 'exit':
        sys.exit(int(argument))
    elif scene == 'kill-self':
        os.kill(os.getpid(), signal.SIGKILL)
    elif scene == 'stderr-flood':
        threading.Thread(target=flood, args=(int(argument),), daemon=True).start()
        echo()
    elif scene == 'no-read':
        send({'ready': True})
        sleep_for_ever()
    elif scene == 'ignore-term':
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        send({'ready': True})
        sleep_for_ever()
    elif scene == 'big-line':
        size = int(argument) * 1024 * 1024
        chunk = b'a' * (1024 * 1024)
        write(b'{"big":"')
        for _ in range(size // len(chunk)):
            write(chunk)
        write(b'"}\n')
        send({'after': 'big'})
        sleep_for_ever()
    elif scene == 'invalid':
        write(b'not json\n')
        write(b'{"text":"\xff\xfe"}\n')
        write(b'\n   \r\n\t\n')
        write(b'{"valid":true}\r\n')
        sleep_for_ever()
    elif scene == 'mcp':
        mcp()
    else:
        sys.exit('unknown scene ' + scene)


if __name__ == '__main__':
    main()
