#!/usr/bin/python3
# test-client.py: McpSse.Client through GObject introspection, against
# tests/bindings/scripted-server.py (MCP_SSE_TEST_URL)
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import gc
import json
import os
import sys
import traceback

import gi
gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
gi.require_version('Json', '1.0')
gi.require_version('McpSse', '1')
from gi.repository import GLib, Gio, Json, McpSse  # noqa: E402

# Only reached when a test is failing.
DEADLINE_SECONDS = 30 * float(os.environ.get('MCP_SSE_TEST_TIMEOUT_SCALE', '1'))


def wait_for(condition, what):
    context = GLib.MainContext.default()
    timed_out = []
    source = GLib.timeout_add(int(DEADLINE_SECONDS * 1000), lambda: timed_out.append(True))
    while not condition() and not timed_out:
        context.iteration(True)
    if timed_out:
        raise AssertionError('timed out waiting for ' + what)
    GLib.source_remove(source)


def node(text):
    return Json.from_string(text)


def text(value):
    return Json.to_string(value, False)


def run_async(start, finish):
    """Runs start(callback) and returns finish(result), the error raised."""
    results = []
    start(lambda source, result, *args: results.append(result))
    wait_for(lambda: results, 'a callback')
    return finish(results[0])


def connected_client():
    client = McpSse.Client.new_for_url(os.environ['MCP_SSE_TEST_URL'])
    assert run_async(lambda cb: client.connect_async(None, cb), client.connect_finish)
    return client


def test_progress_per_call():
    client = connected_client()
    reports = {'a': [], 'b': []}
    signalled = []
    client.connect('progress', lambda c, token, p, t, m: signalled.append(text(token)))

    def progress_for(name):
        def on_progress(c, token, progress, total, message, *data):
            reports[name].append((text(token), progress, total, message))
        return on_progress

    def done_for(name):
        return lambda source, result, *data: results.__setitem__(name, result)

    results = {}
    for name in ('a', 'b'):
        client.call_tool_with_progress_async('progress', None, progress=progress_for(name),
                                             callback=done_for(name))
    wait_for(lambda: len(results) == 2, 'both calls')

    for name in ('a', 'b'):
        answer = client.call_tool_with_progress_finish(results[name])
        token = json.loads(answer.get_object().get_array_member('content')
                           .get_object_element(0).get_string_member('text'))
        got = reports[name]
        assert [r[1] for r in got] == [1, 2, 3], got
        assert all(r[0] == json.dumps(token) for r in got), (token, got)
        assert got[0][2] == 3 and got[0][3] == 'step 1', got
    assert reports['a'][0][0] != reports['b'][0][0], reports
    assert len(signalled) == 6, signalled
    client.stop()


def test_reply_later(signal):
    client = connected_client()
    kept = []

    def on_request(c, method, request_id, params):
        if method != 'roots/list':
            return False
        kept.append(request_id)
        GLib.idle_add(reply_later)
        return True

    def reply_later():
        # The handler returned long ago; the id must still be good.
        gc.collect()
        client.reply_async(kept[0], node('{"roots": [{"uri": "file:///later"}]}'), None, None)
        return GLib.SOURCE_REMOVE

    client.connect(signal, on_request)
    answer = run_async(lambda cb: client.call_tool_async('ask', None, None, cb),
                       client.call_tool_finish)
    roots = json.loads(answer.get_object().get_array_member('content')
                       .get_object_element(0).get_string_member('text'))
    assert roots == {'roots': [{'uri': 'file:///later'}]}, roots
    assert text(kept[0]) == '"ask-1"', text(kept[0])
    client.stop()


def test_error_data():
    client = connected_client()
    results = []
    client.call_tool_async('fail', None, None, lambda c, result: results.append(result))
    wait_for(lambda: results, 'the call')
    try:
        client.call_tool_finish(results[0])
        raise AssertionError('the call succeeded')
    except GLib.Error as error:
        assert error.matches(McpSse.jsonrpc_error_quark(), -32001), error
        assert error.message == 'The tool failed', error.message
    details = McpSse.ErrorDetails.dup_for_result(results[0])
    assert details is not None
    data = json.loads(text(details.get_data()))
    assert data == {'reason': 'scripted', 'attempts': 3}, data
    client.stop()


def test_no_transport():
    client = McpSse.Client()
    assert client.get_transport() is None

    def expect_not_initialized(start, finish):
        try:
            run_async(start, finish)
            raise AssertionError('it succeeded')
        except GLib.Error as error:
            assert error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_INITIALIZED), error

    expect_not_initialized(lambda cb: client.connect_async(None, cb), client.connect_finish)
    expect_not_initialized(lambda cb: client.request_async('x', None, None, cb), client.request_finish)
    expect_not_initialized(lambda cb: client.call_tool_async('t', None, None, cb), client.call_tool_finish)
    expect_not_initialized(lambda cb: client.list_tools_async(None, cb), client.list_tools_finish)
    expect_not_initialized(lambda cb: client.notify_async('n', None, None, cb), client.notify_finish)
    expect_not_initialized(lambda cb: client.reply_async(node('1'), None, None, cb),
                           client.reply_finish)
    client.stop()


def test_closed():
    client = connected_client()
    closed = []
    client.connect('closed', lambda c, error: closed.append(error))
    client.stop()
    assert closed == [None], closed
    client.stop()
    assert closed == [None], closed


TESTS = [
    ('progress per call', test_progress_per_call),
    ('a server request answered after its handler returned', lambda: test_reply_later('request')),
    ('the same, connected by detail', lambda: test_reply_later('request::roots/list')),
    ('JSON-RPC error data', test_error_data),
    ('a client without a transport', test_no_transport),
    ('the client ::closed', test_closed),
]


def main():
    failed = 0
    print('1..%d' % len(TESTS))
    for number, (name, function) in enumerate(TESTS, 1):
        try:
            function()
            print('ok %d - %s' % (number, name))
        except Exception:
            failed += 1
            print('not ok %d - %s' % (number, name))
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
