// test-stdio.js: McpSse.StdioTransport and McpSse.Client through GObject
// introspection in GJS, against tests/stdio-server.py (its path is the argument)
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.McpSse = '1';
imports.gi.versions.Json = '1.0';
const {GLib, Gio, Json, McpSse} = imports.gi;
const System = imports.system;

const SERVER = ARGV[0];
const PYTHON = '/usr/bin/python3';

// Only reached when a test is failing.
const DEADLINE_MS = 30000 * Number(GLib.getenv('MCP_SSE_TEST_TIMEOUT_SCALE') || '1');

function waitFor(condition, what) {
    const context = GLib.MainContext.default();
    let timedOut = false;
    const source = GLib.timeout_add(GLib.PRIORITY_DEFAULT, DEADLINE_MS, () => {
        timedOut = true;
        return GLib.SOURCE_REMOVE;
    });
    while (!condition() && !timedOut)
        context.iteration(true);
    if (timedOut)
        throw new Error(`timed out waiting for ${what}`);
    GLib.source_remove(source);
}

function assert(condition, what) {
    if (!condition)
        throw new Error(`assertion failed: ${what}`);
}

function runAsync(start, finish) {
    let result = null;
    start((source, res) => {
        result = res;
    });
    waitFor(() => result !== null, 'a callback');
    return finish(result);
}

function testListAndCall() {
    const transport = McpSse.StdioTransport.new([PYTHON, SERVER, 'mcp']);
    const log = [];
    transport.connect('stderr-line', (t, line) => log.push(line));
    const closed = [];
    transport.connect('closed', (t, error) => closed.push(error));

    const client = McpSse.Client.new(transport);
    assert(runAsync(cb => client.connect_async(null, cb), r => client.connect_finish(r)), 'connected');
    assert(transport.get_subprocess() !== null, 'a process');

    const tools = runAsync(cb => client.list_tools_async(null, cb), r => client.list_tools_finish(r));
    const names = tools.get_object().get_array_member('tools').get_elements()
        .map(tool => tool.get_object().get_string_member('name'));
    assert(names.length === 1 && names[0] === 'echo', `tools ${names}`);

    const args = Json.from_string('{"text": "through a pipe"}');
    const answer = runAsync(cb => client.call_tool_async('echo', args, null, cb),
        r => client.call_tool_finish(r));
    const text = answer.get_object().get_array_member('content')
        .get_object_element(0).get_string_member('text');
    assert(text === 'through a pipe', `text ${text}`);

    waitFor(() => log.includes('request tools/call'), 'the server log');
    assert(log[0] === 'request initialize', `log ${log}`);

    transport.stop();
    assert(closed.length === 1 && closed[0] === null, `::closed ${closed}`);
}

function testLauncher() {
    const launcher = Gio.SubprocessLauncher.new(Gio.SubprocessFlags.NONE);
    const transport = McpSse.StdioTransport.new_with_launcher(launcher, [PYTHON, SERVER, 'echo']);
    assert(transport.get_launcher() === launcher, 'the launcher');
    const messages = [];
    transport.connect('message', (t, message) => messages.push(Json.to_string(message, false)));
    assert(runAsync(cb => transport.start_async(null, cb), r => transport.start_finish(r)), 'started');
    assert(runAsync(cb => transport.send_async(Json.from_string('{"a":[1,2]}'), null, cb),
        r => transport.send_finish(r)), 'sent');
    waitFor(() => messages.length > 0, 'the echo');
    assert(messages[0] === '{"a":[1,2]}', `messages ${messages}`);
    transport.stop();
}

const tests = [
    ['a client lists and calls tools over stdio', testListAndCall],
    ['a launcher of our own', testLauncher],
];

let failed = 0;
print(`1..${tests.length}`);
tests.forEach(([name, test], i) => {
    try {
        test();
        print(`ok ${i + 1} - ${name}`);
    } catch (error) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${error}\n${error.stack}`.split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed ? 1 : 0);
