#!/usr/bin/python3
# run-example.py: run one of the examples against the demo server
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: run-example.py TOOL EXAMPLE [ARGUMENT...]
#
# Starts `TOOL --demo-server`, reads the URL from its first line, runs
# `EXAMPLE [ARGUMENT...] URL` and checks its output, then runs it again
# against a path the server does not have and without a URL to check how
# it fails, and finally stops the server. Prints TAP.

import os
import selectors
import signal
import subprocess
import sys
import time
import traceback

# What every example prints for a session with the demo server.
EXPECTED_OUTPUT = '''\
stream open
message: response to request 1
connected to mcp-sse-demo, protocol 2025-11-25
message: response to request 2
tools:
  echo: Echoes a message back
  add: Adds two numbers
  slow: Takes a number of steps, reporting progress after each
  flood: Sends count log notifications of about size bytes each, as fast as they are read
message: response to request 3
echo: Echo: Hello from mcp-sse
closed
'''

# Generous: the machine may be loaded, and GJS and Python start slowly.
URL_DEADLINE = 20
EXAMPLE_DEADLINE = 60
EXIT_DEADLINE = 20


def read_line(stream, deadline):
    """Reads one line from a pipe, or fails once @deadline (seconds) passed."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    data = b''
    end = time.monotonic() + deadline
    while not data.endswith(b'\n'):
        remaining = end - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            raise AssertionError('no line within %d s (got %r)' % (deadline, data))
        chunk = os.read(stream.fileno(), 1)
        if not chunk:
            raise AssertionError('the stream ended before a line (got %r)' % data)
        data += chunk
    selector.close()
    return data.decode('utf-8').rstrip('\n')


def run(command):
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=EXAMPLE_DEADLINE)


def describe(result):
    return 'exit status %d\n--- stdout\n%s--- stderr\n%s' % (
        result.returncode, result.stdout, result.stderr)


class Checks:
    def __init__(self):
        self.number = 0
        self.failed = 0

    def check(self, name, function, *args):
        self.number += 1
        try:
            value = function(*args)
            print('ok %d - %s' % (self.number, name))
            return value
        except Exception:
            self.failed += 1
            print('not ok %d - %s' % (self.number, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
            return None


def check_session(example, url):
    result = run(example + [url])
    assert result.returncode == 0, describe(result)
    assert result.stderr == '', describe(result)
    assert result.stdout == EXPECTED_OUTPUT, describe(result)


def check_failure(example, url):
    missing = url.rsplit('/', 1)[0] + '/no-such-stream'
    result = run(example + [missing])
    assert result.returncode == 1, describe(result)
    assert result.stdout == '', describe(result)
    assert result.stderr.startswith('simple: cannot open the event stream: '), describe(result)
    assert '404' in result.stderr, describe(result)


def check_usage(example):
    result = run(example)
    assert result.returncode == 2, describe(result)
    assert result.stdout == '', describe(result)
    assert 'usage:' in result.stderr and 'URL' in result.stderr, describe(result)


def check_server_exit(server):
    server.send_signal(signal.SIGTERM)
    status = server.wait(timeout=EXIT_DEADLINE)
    assert status == 0, 'the demo server exited with %d' % status


def main(argv):
    if len(argv) < 3:
        print('usage: %s TOOL EXAMPLE [ARGUMENT...]' % argv[0], file=sys.stderr)
        return 2

    tool, example = argv[1], argv[2:]
    checks = Checks()
    print('1..5')

    server = subprocess.Popen([tool, '--demo-server'], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE)
    try:
        url = checks.check('the demo server prints its URL', read_line, server.stdout, URL_DEADLINE)
        if url is None:
            url = 'http://127.0.0.1:1/sse'
        checks.check('a session with the demo server', check_session, example, url)
        checks.check('a failed start is reported', check_failure, example, url)
        checks.check('no URL is a usage error', check_usage, example)
        checks.check('the demo server exits cleanly', check_server_exit, server)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdout.close()

    return 1 if checks.failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
