#!/usr/bin/python3
# simple.py: connect to an MCP server, list its tools, call echo
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The same program exists in C (simple.c), JavaScript (simple.js) and Vala
# (simple.vala). Run it against the demo server:
#
#   mcp-sse --demo-server &
#   ./simple.py http://127.0.0.1:PORT/sse

import sys

import gi

gi.require_version('Json', '1.0')
gi.require_version('McpSse', '1')
from gi.repository import GLib, Json, McpSse  # noqa: E402


class Example:
    def __init__(self, url):
        self.loop = GLib.MainLoop()
        self.status = 0

        # The handlers are connected before the client connects its own, so
        # that each message is printed before the client acts on it.
        self.manager = McpSse.ConnectionManager.new(url)
        self.manager.connect('message', self.on_message)
        self.manager.connect('closed', self.on_closed)
        self.client = McpSse.Client.new(self.manager)

    def run(self):
        # Connecting the client would start the manager too; starting it
        # first shows the two steps.
        self.manager.start_async(None, self.on_started)
        self.loop.run()
        return self.status

    def finish(self, what=None, error=None):
        if error is not None:
            print('simple: %s: %s' % (what, error.message), file=sys.stderr)
            self.status = 1
        # Emits ::closed before it returns.
        self.client.stop()
        self.loop.quit()

    def on_message(self, manager, message):
        # One line for each message the server sends.
        if message.get_node_type() != Json.NodeType.OBJECT:
            print('message: not an object')
            return
        obj = message.get_object()
        id = None
        if obj.has_member('id'):
            id = Json.to_string(obj.get_member('id'), False)
        if obj.has_member('method'):
            kind = 'request' if id is not None else 'notification'
            print('message: %s %s' % (kind, obj.get_string_member('method')))
        elif obj.has_member('error'):
            print('message: error for request %s' % id)
        else:
            print('message: response to request %s' % id)

    def on_closed(self, manager, error):
        if error is not None:
            print('closed: %s' % error.message)
        else:
            print('closed')

    def on_started(self, manager, result):
        try:
            manager.start_finish(result)
        except GLib.Error as error:
            self.finish('cannot open the event stream', error)
            return
        print('stream open')
        self.client.connect_async(None, self.on_connected)

    def on_connected(self, client, result):
        try:
            client.connect_finish(result)
        except GLib.Error as error:
            self.finish('the MCP handshake failed', error)
            return
        server_info = client.get_server_info().get_object()
        print('connected to %s, protocol %s' % (
            server_info.get_string_member_with_default('name', '?'),
            client.get_protocol_version()))
        client.list_tools_async(None, self.on_tools_listed)

    def on_tools_listed(self, client, result):
        try:
            answer = client.list_tools_finish(result)
        except GLib.Error as error:
            self.finish('listing the tools failed', error)
            return
        print('tools:')
        tools = answer.get_object().get_array_member('tools')
        for i in range(tools.get_length()):
            tool = tools.get_object_element(i)
            print('  %s: %s' % (tool.get_string_member('name'),
                                tool.get_string_member_with_default('description', '')))
        arguments = Json.from_string('{"message": "Hello from mcp-sse"}')
        client.call_tool_async('echo', arguments, None, self.on_echo_called)

    def on_echo_called(self, client, result):
        try:
            answer = client.call_tool_finish(result)
        except GLib.Error as error:
            self.finish('calling echo failed', error)
            return
        content = answer.get_object().get_array_member('content')
        for item in content.get_elements():
            text = item.get_object().get_string_member_with_default('text', '')
            print('echo: %s' % text)
        self.finish()


def main(argv):
    if len(argv) != 2:
        print('usage: %s URL' % argv[0], file=sys.stderr)
        return 2
    return Example(argv[1]).run()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
