/* simple.vala: connect to an MCP server, list its tools, call echo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The same program exists in C (simple.c), Python (simple.py) and
 * JavaScript (simple.js). Build and run it against the demo server:
 *
 *   valac --pkg mcp-sse-1 simple.vala
 *   mcp-sse --demo-server &
 *   ./simple http://127.0.0.1:PORT/sse
 */

/* One line for each message the server sends. */
void on_message (McpSse.Transport transport, Json.Node message) {
    if (message.get_node_type () != Json.NodeType.OBJECT) {
        print ("message: not an object\n");
        return;
    }

    unowned Json.Object object = message.get_object ();
    string? id = null;
    if (object.has_member ("id"))
        id = Json.to_string (object.get_member ("id"), false);

    if (object.has_member ("method"))
        print ("message: %s %s\n", id != null ? "request" : "notification",
               object.get_string_member ("method"));
    else if (object.has_member ("error"))
        print ("message: error for request %s\n", id);
    else
        print ("message: response to request %s\n", id);
}

void on_closed (McpSse.Transport transport, Error? error) {
    if (error != null)
        print ("closed: %s\n", error.message);
    else
        print ("closed\n");
}

async void run (McpSse.ConnectionManager manager, McpSse.Client client) throws Error {
    /* Says what failed when a step throws. */
    var what = "cannot open the event stream";

    try {
        /* Connecting the client would start the manager too; starting it
         * first shows the two steps. */
        yield manager.start_async (null);
        print ("stream open\n");

        what = "the MCP handshake failed";
        yield client.connect_async (null);
        unowned Json.Object server_info = client.get_server_info ().get_object ();
        print ("connected to %s, protocol %s\n",
               server_info.get_string_member_with_default ("name", "?"),
               client.get_protocol_version ());

        what = "listing the tools failed";
        var tools = yield client.list_tools_async (null);
        print ("tools:\n");
        tools.get_object ().get_array_member ("tools").foreach_element ((array, index, tool) => {
            unowned Json.Object object = tool.get_object ();
            print ("  %s: %s\n", object.get_string_member ("name"),
                   object.get_string_member_with_default ("description", ""));
        });

        what = "calling echo failed";
        var arguments = Json.from_string ("{\"message\": \"Hello from mcp-sse\"}");
        var answer = yield client.call_tool_async ("echo", arguments, null);
        answer.get_object ().get_array_member ("content").foreach_element ((array, index, item) => {
            print ("echo: %s\n", item.get_object ().get_string_member_with_default ("text", ""));
        });
    } catch (Error error) {
        throw new Error (error.domain, error.code, "%s: %s", what, error.message);
    }
}

int main (string[] args) {
    if (args.length != 2) {
        printerr ("usage: %s URL\n", args[0]);
        return 2;
    }

    var loop = new MainLoop ();
    int status = 0;

    /* The handlers are connected before the client connects its own, so
     * that each message is printed before the client acts on it. */
    var manager = new McpSse.ConnectionManager (args[1]);
    manager.message.connect (on_message);
    manager.closed.connect (on_closed);
    var client = new McpSse.Client (manager);

    run.begin (manager, client, (source, result) => {
        try {
            run.end (result);
        } catch (Error error) {
            printerr ("simple: %s\n", error.message);
            status = 1;
        }
        /* Emits ::closed before it returns. */
        client.stop ();
        loop.quit ();
    });
    loop.run ();

    return status;
}
