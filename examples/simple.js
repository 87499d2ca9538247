#!/usr/bin/gjs
// simple.js: connect to an MCP server, list its tools, call echo
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The same program exists in C (simple.c), Python (simple.py) and Vala
// (simple.vala). Run it against the demo server:
//
//   mcp-sse --demo-server &
//   gjs simple.js http://127.0.0.1:PORT/sse

imports.gi.versions.Json = '1.0';
imports.gi.versions.McpSse = '1';
const {GLib, Gio, Json, McpSse} = imports.gi;
const System = imports.system;

// Turn the _async/_finish pairs into methods that return promises.
Gio._promisify(McpSse.ConnectionManager.prototype, 'start_async', 'start_finish');
Gio._promisify(McpSse.Client.prototype, 'connect_async', 'connect_finish');
Gio._promisify(McpSse.Client.prototype, 'list_tools_async', 'list_tools_finish');
Gio._promisify(McpSse.Client.prototype, 'call_tool_async', 'call_tool_finish');

// One line for each message the server sends.
function onMessage(manager, message) {
    if (message.get_node_type() !== Json.NodeType.OBJECT) {
        print('message: not an object');
        return;
    }
    const object = message.get_object();
    const id = object.has_member('id')
        ? Json.to_string(object.get_member('id'), false) : null;
    if (object.has_member('method')) {
        const kind = id !== null ? 'request' : 'notification';
        print(`message: ${kind} ${object.get_string_member('method')}`);
    } else if (object.has_member('error')) {
        print(`message: error for request ${id}`);
    } else {
        print(`message: response to request ${id}`);
    }
}

function onClosed(manager, error) {
    print(error ? `closed: ${error.message}` : 'closed');
}

// Each step says what failed when it throws.
async function step(what, promise) {
    try {
        return await promise;
    } catch (error) {
        throw new Error(`${what}: ${error.message}`, {cause: error});
    }
}

async function run(manager, client) {
    // Connecting the client would start the manager too; starting it
    // first shows the two steps.
    await step('cannot open the event stream', manager.start_async(null));
    print('stream open');

    await step('the MCP handshake failed', client.connect_async(null));
    const serverInfo = client.get_server_info().get_object();
    print(`connected to ${serverInfo.get_string_member_with_default('name', '?')}, ` +
          `protocol ${client.get_protocol_version()}`);

    const tools = await step('listing the tools failed', client.list_tools_async(null));
    print('tools:');
    for (const tool of tools.get_object().get_array_member('tools').get_elements()) {
        const object = tool.get_object();
        print(`  ${object.get_string_member('name')}: ` +
              `${object.get_string_member_with_default('description', '')}`);
    }

    const args = Json.from_string('{"message": "Hello from mcp-sse"}');
    const answer = await step('calling echo failed', client.call_tool_async('echo', args, null));
    for (const item of answer.get_object().get_array_member('content').get_elements())
        print(`echo: ${item.get_object().get_string_member_with_default('text', '')}`);
}

function main(argv) {
    if (argv.length !== 1) {
        printerr(`usage: ${System.programInvocationName} URL`);
        return 2;
    }

    const loop = new GLib.MainLoop(null, false);
    let status = 0;

    // The handlers are connected before the client connects its own, so
    // that each message is printed before the client acts on it.
    const manager = McpSse.ConnectionManager.new(argv[0]);
    manager.connect('message', onMessage);
    manager.connect('closed', onClosed);
    const client = McpSse.Client.new(manager);

    run(manager, client).catch(error => {
        printerr(`simple: ${error.message}`);
        status = 1;
    }).finally(() => {
        // Emits ::closed before it returns.
        client.stop();
        loop.quit();
    });
    loop.run();
    return status;
}

System.exit(main(ARGV));
