#!/usr/bin/python3
# test-stdio.py: McpSse.StdioTransport and McpSse.Client through GObject
# introspection, against tests/stdio-server.py (its path is the argument)
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import sys
import traceback

import gi
gi.require_version('GLib', '2.0')
gi.require_version('Gio', '2.0')
gi.require_version('Json', '1.0')
gi.require_version('McpSse', '1')
from gi.repository import GLib, Gio, Json, McpSse  # noqa: E402

SERVER = sys.argv[1]
PYTHON = '/usr/bin/python3'

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


def run_async(start, finish):
    """Runs start(callback) and returns finish(result), the error raised."""
    results = []
    start(lambda source, result, *args: results.append(result))
    wait_for(lambda: results, 'a callback')
    return finish(results[0])


def test_list_and_call():
    transport = McpSse.StdioTransport.new([PYTHON, SERVER, 'mcp'])
    assert transport.get_argv() == [PYTHON, SERVER, 'mcp'], transport.get_argv()
    assert transport.props.timeout == McpSse.STDIO_TRANSPORT_DEFAULT_TIMEOUT
    log = []
    transport.connect('stderr-line', lambda t, line: log.append(line))
    closed = []
    transport.connect('closed', lambda t, error: closed.append(error))

    client = McpSse.Client.new(transport)
    assert run_async(lambda cb: client.connect_async(None, cb), client.connect_finish)
    assert transport.get_subprocess() is not None

    tools = run_async(lambda cb: client.list_tools_async(None, cb), client.list_tools_finish)
    names = [tool.get_object().get_string_member('name')
             for tool in tools.get_object().get_array_member('tools').get_elements()]
    assert names == ['echo'], names

    arguments = Json.from_string('{"text": "through a pipe"}')
    answer = run_async(lambda cb: client.call_tool_async('echo', arguments, None, cb),
                       client.call_tool_finish)
    text = (answer.get_object().get_array_member('content')
            .get_object_element(0).get_string_member('text'))
    assert text == 'through a pipe', text

    wait_for(lambda: 'request tools/call' in log, 'the server log')
    assert log[0] == 'request initialize', log

    transport.stop()
    assert closed == [None], closed
    assert transport.get_subprocess() is None


def test_missing_program():
    transport = McpSse.StdioTransport.new(['/nonexistent/mcp-server'])
    try:
        run_async(lambda cb: transport.start_async(None, cb), transport.start_finish)
    except GLib.Error as error:
        assert error.matches(GLib.spawn_error_quark(), GLib.SpawnError.NOENT), error
        assert '/nonexistent/mcp-server' in error.message, error.message
    else:
        raise AssertionError('started a program that does not exist')


def test_launcher():
    launcher = Gio.SubprocessLauncher.new(Gio.SubprocessFlags.NONE)
    launcher.setenv('MCP_SSE_BINDING_TEST', 'yes', True)
    transport = McpSse.StdioTransport.new_with_launcher(launcher, [PYTHON, SERVER, 'echo'])
    assert transport.get_launcher() == launcher
    messages = []
    transport.connect('message', lambda t, message: messages.append(Json.to_string(message, False)))
    assert run_async(lambda cb: transport.start_async(None, cb), transport.start_finish)
    assert run_async(lambda cb: transport.send_async(Json.from_string('{"a":[1,2]}'), None, cb),
                     transport.send_finish)
    wait_for(lambda: messages, 'the echo')
    assert messages == ['{"a":[1,2]}'], messages
    transport.stop()


TESTS = [
    ('a client lists and calls tools over stdio', test_list_and_call),
    ('a missing program', test_missing_program),
    ('a launcher of our own', test_launcher),
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
