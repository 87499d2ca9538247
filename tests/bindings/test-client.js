// test-client.js: McpSse.Client through GObject introspection in GJS,
// against tests/bindings/scripted-server.py (MCP_SSE_TEST_URL)
//
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.McpSse = '1';
imports.gi.versions.Json = '1.0';
const {GLib, Gio, Json, McpSse} = imports.gi;
const System = imports.system;

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

const text = node => Json.to_string(node, false);

function runAsync(start, finish) {
    let result = null;
    start((source, res) => {
        result = res;
    });
    waitFor(() => result !== null, 'a callback');
    return finish(result);
}

function connectedClient() {
    const client = McpSse.Client.new_for_url(GLib.getenv('MCP_SSE_TEST_URL'));
    assert(runAsync(cb => client.connect_async(null, cb), r => client.connect_finish(r)), 'connected');
    return client;
}

function firstText(answer) {
    return answer.get_object().get_array_member('content')
        .get_object_element(0).get_string_member('text');
}

function testProgressPerCall() {
    const client = connectedClient();
    const reports = {a: [], b: []};
    const results = {};
    let signalled = 0;
    client.connect('progress', () => {
        signalled++;
    });

    for (const name of ['a', 'b']) {
        client.call_tool_with_progress_async('progress', null,
            (c, token, progress, total, message) => {
                reports[name].push([text(token), progress, total, message]);
            },
            null, (source, res) => {
                results[name] = res;
            });
    }
    waitFor(() => results.a && results.b, 'both calls');

    for (const name of ['a', 'b']) {
        const token = firstText(client.call_tool_with_progress_finish(results[name]));
        const got = reports[name];
        assert(got.map(r => r[1]).join() === '1,2,3', `steps of ${name}: ${JSON.stringify(got)}`);
        assert(got.every(r => r[0] === token), `tokens of ${name}: ${token} ${JSON.stringify(got)}`);
        assert(got[0][2] === 3 && got[0][3] === 'step 1', JSON.stringify(got));
    }
    assert(reports.a[0][0] !== reports.b[0][0], 'distinct tokens');
    assert(signalled === 6, `::progress ${signalled} times`);
    client.stop();
}

function testReplyLater(signal) {
    const client = connectedClient();
    let kept = null;

    client.connect(signal, (c, method, id, params) => {
        if (method !== 'roots/list')
            return false;
        kept = id;
        GLib.idle_add(GLib.PRIORITY_DEFAULT, () => {
            // The handler returned long ago; the id must still be good.
            System.gc();
            client.reply_async(kept, Json.from_string('{"roots": [{"uri": "file:///later"}]}'),
                null, null);
            return GLib.SOURCE_REMOVE;
        });
        return true;
    });

    const answer = runAsync(cb => client.call_tool_async('ask', null, null, cb),
        r => client.call_tool_finish(r));
    const roots = JSON.parse(firstText(answer));
    assert(JSON.stringify(roots) === '{"roots":[{"uri":"file:///later"}]}', firstText(answer));
    assert(text(kept) === '"ask-1"', text(kept));
    client.stop();
}

function testErrorData() {
    const client = connectedClient();
    let result = null;
    client.call_tool_async('fail', null, null, (c, res) => {
        result = res;
    });
    waitFor(() => result !== null, 'the call');
    let failed = false;
    try {
        client.call_tool_finish(result);
    } catch (error) {
        failed = true;
        assert(error.matches(McpSse.jsonrpc_error_quark(), -32001), `${error}`);
    }
    assert(failed, 'the call failed');
    const details = McpSse.ErrorDetails.dup_for_result(result);
    assert(details !== null, 'details');
    const data = JSON.parse(text(details.get_data()));
    assert(data.reason === 'scripted' && data.attempts === 3, JSON.stringify(data));
    client.stop();
}

function testBearerAuthorizer() {
    const manager = McpSse.ConnectionManager.new(GLib.getenv('MCP_SSE_TEST_URL'));
    const authorizer = McpSse.BearerAuthorizer.new('gjs-token-1');
    manager.authorizer = authorizer;
    const client = McpSse.Client.new(manager);
    assert(runAsync(cb => client.connect_async(null, cb), r => client.connect_finish(r)), 'connected');
    let answer = runAsync(cb => client.call_tool_async('whoami', null, null, cb),
        r => client.call_tool_finish(r));
    assert(firstText(answer) === 'Bearer gjs-token-1', firstText(answer));
    authorizer.token = 'gjs-token-2';
    answer = runAsync(cb => client.call_tool_async('whoami', null, null, cb),
        r => client.call_tool_finish(r));
    assert(firstText(answer) === 'Bearer gjs-token-2', firstText(answer));
    client.stop();
}

function testNoTransport() {
    const client = new McpSse.Client();
    assert(client.get_transport() === null, 'no transport');

    const expectNotInitialized = (start, finish) => {
        let failed = false;
        try {
            runAsync(start, finish);
        } catch (error) {
            failed = true;
            assert(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_INITIALIZED), `${error}`);
        }
        assert(failed, 'it failed');
    };

    expectNotInitialized(cb => client.connect_async(null, cb), r => client.connect_finish(r));
    expectNotInitialized(cb => client.request_async('x', null, null, cb), r => client.request_finish(r));
    expectNotInitialized(cb => client.call_tool_async('t', null, null, cb), r => client.call_tool_finish(r));
    expectNotInitialized(cb => client.list_tools_async(null, cb), r => client.list_tools_finish(r));
    expectNotInitialized(cb => client.notify_async('n', null, null, cb), r => client.notify_finish(r));
    expectNotInitialized(cb => client.reply_async(Json.from_string('1'), null, null, cb),
        r => client.reply_finish(r));
    client.stop();
}

function testClosed() {
    const client = connectedClient();
    const closed = [];
    client.connect('closed', (c, error) => closed.push(error));
    client.stop();
    client.stop();
    assert(closed.length === 1 && closed[0] === null, `::closed ${closed}`);
}

const tests = [
    ['progress per call', testProgressPerCall],
    ['a server request answered after its handler returned', () => testReplyLater('request')],
    ['the same, connected by detail', () => testReplyLater('request::roots/list')],
    ['JSON-RPC error data', testErrorData],
    ['a bearer authorizer', testBearerAuthorizer],
    ['a client without a transport', testNoTransport],
    ['the client ::closed', testClosed],
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
