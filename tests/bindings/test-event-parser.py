#!/usr/bin/python3
# test-event-parser.py: McpSse.EventParser through GObject introspection
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Loads the uninstalled McpSse-1.typelib (GI_TYPELIB_PATH and
# LD_LIBRARY_PATH point into the build directory), parses a stream through
# McpSse.EventParser and checks what a Python program sees. Prints TAP.

import os
import sys
import traceback

import gi

gi.require_version('GIRepository', '2.0')
gi.require_version('McpSse', '1')
from gi.repository import GIRepository, GLib, McpSse  # noqa: E402

STREAM = (
    b'\xef\xbb\xbf'                                   # BOM, stripped
    b': a comment\r\n'
    b'retry: 2500\r\n'
    b'id: 42\r\n'
    b'event: greeting\r\n'
    b'data: h\xc3\xa9llo \xf0\x9f\x98\x80\r\n'         # é and U+1F600
    b'data: second line\r\n'
    b'\r\n'
    b'data: {"jsonrpc":"2.0","method":"ping"}\n'
    b'\n'
    b'id: 43\rdata: x\x00y\r\r'                        # NUL in data, CR only
)

EXPECTED = [
    ('greeting', 'h\u00e9llo \U0001F600\nsecond line', '42'),
    ('message', '{"jsonrpc":"2.0","method":"ping"}', '42'),
    ('message', 'x\x00y', '43'),
]

tests = []


def test(function):
    tests.append(function)
    return function


def parse(chunks, max_event_size=None):
    parser = McpSse.EventParser.new()
    if max_event_size is not None:
        parser.props.max_event_size = max_event_size
    events = []
    errors = []
    parser.connect('event', lambda p, event: events.append(event))
    for chunk in chunks:
        try:
            ok = parser.feed(chunk)
            assert ok is True, ok
        except GLib.Error as error:
            errors.append(error)
    parser.end()
    return parser, events, errors


def describe(event):
    data = event.get_data_bytes().get_data().decode('utf-8')
    return (event.get_event_type(), data, event.get_id())


@test
def typelib_is_the_uninstalled_one():
    path = GIRepository.Repository.get_default().get_typelib_path('McpSse')
    build_dir = os.environ['MCP_SSE_BUILD_DIR']
    assert os.path.realpath(path).startswith(os.path.realpath(build_dir) + os.sep), path


@test
def events_from_one_chunk():
    parser, events, errors = parse([STREAM])
    assert errors == [], errors
    assert [describe(e) for e in events] == EXPECTED, [describe(e) for e in events]
    # get_data() is the C string: it ends at the NUL.
    assert events[2].get_data() == 'x', events[2].get_data()


@test
def events_from_split_chunks():
    # Split inside the BOM, inside the emoji and between CR and LF.
    emoji = STREAM.index(b'\xf0\x9f')
    crlf = STREAM.index(b'\r\n', emoji)
    cuts = [0, 2, emoji + 1, emoji + 3, crlf + 1, len(STREAM)]
    assert cuts == sorted(cuts)
    chunks = [STREAM[a:b] for a, b in zip(cuts, cuts[1:])]
    parser, events, errors = parse(chunks)
    assert errors == [], errors
    assert [describe(e) for e in events] == EXPECTED, [describe(e) for e in events]


@test
def properties():
    parser, events, errors = parse([STREAM])
    assert parser.props.last_event_id == '43', parser.props.last_event_id
    assert parser.get_last_event_id() == '43'
    assert parser.props.retry == 2500, parser.props.retry
    assert parser.get_retry() == 2500
    assert parser.props.max_event_size == 16 * 1024 * 1024, parser.props.max_event_size

    fresh = McpSse.EventParser()
    assert fresh.props.last_event_id == ''
    assert fresh.props.retry == -1


@test
def notify_signals():
    parser = McpSse.EventParser.new()
    seen = []
    parser.connect('notify::last-event-id', lambda p, pspec: seen.append(pspec.name))
    parser.connect('notify::retry', lambda p, pspec: seen.append(pspec.name))
    parser.feed(b'id: 1\nretry: 10\n\n')
    assert sorted(seen) == ['last-event-id', 'retry'], seen
    parser.reset()
    assert parser.props.last_event_id == '' and parser.props.retry == -1
    assert sorted(seen) == ['last-event-id', 'last-event-id', 'retry', 'retry'], seen


@test
def event_too_large_is_a_gerror():
    stream = b'data: ' + b'x' * 100 + b'\n\ndata: small\n\n'
    parser, events, errors = parse([stream], max_event_size=64)
    assert len(errors) == 1, errors
    assert errors[0].matches(McpSse.Error.quark(), McpSse.Error.EVENT_TOO_LARGE), errors[0]
    assert [describe(e) for e in events] == [('message', 'small', '')]


@test
def event_outlives_parser():
    parser, events, errors = parse([b'event: e\ndata: kept\n\n'])
    del parser
    assert describe(events[0]) == ('e', 'kept', '')


def main():
    print('1..%d' % len(tests))
    failed = 0
    for number, function in enumerate(tests, 1):
        try:
            function()
            print('ok %d - %s' % (number, function.__name__))
        except Exception:
            failed += 1
            print('not ok %d - %s' % (number, function.__name__))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
