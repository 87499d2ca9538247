/* mcp-sse-demo-server.h: a small MCP server, over HTTP+SSE or stdio, for
 * the tool, tests, examples and benchmarks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * McpSseDemoServer:
 *
 * An MCP server speaking the HTTP+SSE transport of the 2024-11-05
 * specification and Streamable HTTP, built on SoupServer, and the stdio
 * transport on any pair of streams. It is not part of libmcp-sse: the
 * `mcp-sse` tool (`--demo`, `--demo-server`), the tests, the examples and
 * the benchmarks link it from a static library.
 *
 * - `GET /sse` opens a session: a `text/event-stream` whose first event is
 *   `endpoint` (`/message?sessionId=<uuid>`), followed by one `message`
 *   event per JSON-RPC message. Closing the stream ends the session.
 *   `GET /sse?flood=N&size=B` sends N `notifications/message` of B bytes
 *   of JSON each right after the endpoint event, then ends the stream
 *   (a benchmark of the server's own ceiling); `&batch=0` or `&batch=1`
 *   overrides the "batch-writes" property for that stream.
 * - `POST /message?sessionId=<id>` takes one JSON-RPC message
 *   (`Content-Type: application/json`) and answers 202 Accepted; the
 *   response travels on the session's stream. 400 for a missing session
 *   id, a bad content type or a body that is not JSON, 404 for an unknown
 *   session, 413 for a body over 4 MiB, 503 while the session has more
 *   than 8 MiB of unsent data.
 * - `/mcp` speaks Streamable HTTP (2025-03-26, 2025-06-18, 2025-11-25).
 *   `POST` takes one JSON-RPC message; the client must accept both
 *   `application/json` and `text/event-stream` (406 otherwise) and send
 *   `Content-Type: application/json` (415 otherwise). `initialize` makes a
 *   session and answers with its id in `Mcp-Session-Id` (a UUID); every
 *   later request carries it (400 without it, 404 for an unknown or
 *   deleted one). Notifications and responses: 202, no body. `tools/call`:
 *   200 with a `text/event-stream` of `message` events: the call's
 *   progress and notifications, then its response, then the stream ends;
 *   events carry no `id` and there is no priming event, as nothing is kept
 *   to resume from. Every other request: 200 with its response as
 *   `application/json`. `notifications/cancelled` ends the call's stream
 *   without a response; a client that closes the stream drops the call.
 *   `GET` (`Accept: text/event-stream`) opens the session's standalone
 *   stream: a `: stream open` comment, then nothing until the session
 *   ends (409 for a second one). `DELETE` ends the session and its
 *   streams (200); nothing of it is kept. An `MCP-Protocol-Version` header
 *   other than 2024-11-05, 2025-03-26, 2025-06-18 or 2025-11-25 gets 400.
 *   Errors have a JSON-RPC error body with a null id (-32700 for a body
 *   that is not JSON, -32600 for a batch or an invalid message, -32001
 *   for an unknown session); 413 over 4 MiB; 503 beyond 1024 sessions or
 *   64 calls running in one session. Sessions that are never deleted stay
 *   until mcp_sse_demo_server_close_sessions().
 * - mcp_sse_demo_server_serve_stdio_async() serves one session on a pair
 *   of streams (the `mcp-sse --demo-server --stdio` command: its standard
 *   input and output): one JSON-RPC message per line each way, UTF-8,
 *   `\n` ending each line (a `\r` before it is ignored, and so are empty
 *   lines). A line that is not JSON is answered with error -32700, one
 *   over 4 MiB with -32600, and the session goes on. Reading stops while
 *   more than 8 MiB are waiting to be written.
 * - Methods: `initialize`, `notifications/initialized`, `ping`,
 *   `logging/setLevel`, `tools/list`, `tools/call`, and
 *   `notifications/cancelled`, which stops a running `slow` or `flood`
 *   call without a response.
 * - Tools:
 *   - `echo` `{"message": "hi"}`: text `Echo: hi`.
 *   - `add` `{"a": 2, "b": 40}`: text `42`, structured `{"sum": 42}`.
 *   - `slow` `{"steps": 5, "interval_ms": 100}`: one step every
 *     interval, with a `notifications/progress` per step when the request
 *     carried `_meta.progressToken`; then text `done`.
 *   - `flood` `{"count": 10, "size": 256}`: `count` notifications/message
 *     whose JSON text is `size` bytes (or the least it can be), written as
 *     fast as the client reads them, then text `sent <count>`.
 *   Unknown tools fail with JSON-RPC error -32602; invalid arguments give a
 *   result with `isError: true`.
 *
 * The server runs on the thread-default main context of the thread that
 * created it: create it, call mcp_sse_demo_server_listen() and drop it
 * there. It has no threads of its own. Its memory per session is bounded:
 * floods are produced only as fast as the socket drains, in batches of at
 * most 64 KiB.
 */

#define MCP_SSE_TYPE_DEMO_SERVER (mcp_sse_demo_server_get_type ())

G_DECLARE_FINAL_TYPE (McpSseDemoServer, mcp_sse_demo_server, MCP_SSE, DEMO_SERVER, GObject)

/* The `name` of the server's `serverInfo`. */
#define MCP_SSE_DEMO_SERVER_NAME "mcp-sse-demo"

/* Returns a new server, not yet listening, bound to the thread-default
 * main context. */
McpSseDemoServer *mcp_sse_demo_server_new               (void);

/* Listens on @address (an IP literal such as "127.0.0.1" or "::1") and
 * @port (0: an ephemeral port). May be called once. */
gboolean          mcp_sse_demo_server_listen            (McpSseDemoServer  *self,
                                                         const char        *address,
                                                         guint              port,
                                                         GError           **error);

/* The port listened on; 0 before mcp_sse_demo_server_listen(). */
guint             mcp_sse_demo_server_get_port          (McpSseDemoServer  *self);

/* Returns the URL of the SSE stream, such as "http://127.0.0.1:PORT/sse",
 * or NULL before mcp_sse_demo_server_listen(). Free with g_free(). */
char             *mcp_sse_demo_server_dup_url           (McpSseDemoServer  *self);

/* The SoupServer underneath (transfer none): tests connect to its
 * signals to watch the requests, or add handlers of their own. */
SoupServer       *mcp_sse_demo_server_get_soup_server   (McpSseDemoServer  *self);

/* Whether connections stay open after a response, for clients that send
 * their next request on the same connection (default FALSE; set it before
 * listening). It needs a second, unused libsoup listener (see
 * server_keep_connections_alive()), and the connections it keeps open are
 * still open when an in-process server is torn down, so tests leave it off. */
void              mcp_sse_demo_server_set_keep_alive    (McpSseDemoServer  *self,
                                                         gboolean           keep_alive);

/* Property "batch-writes" (default TRUE): TRUE writes the stream in
 * batches of up to 64 KiB, FALSE writes every event on its own, one HTTP
 * chunk each. Applies to streams opened later. */
gboolean          mcp_sse_demo_server_get_batch_writes  (McpSseDemoServer  *self);
void              mcp_sse_demo_server_set_batch_writes  (McpSseDemoServer  *self,
                                                         gboolean           batch_writes);

/* Property "n-sessions" (read-only, notifies): the number of open sessions. */
guint             mcp_sse_demo_server_get_n_sessions    (McpSseDemoServer  *self);

/* Ends every session's stream cleanly (the last chunk is written after
 * whatever is queued); calls in progress are dropped without a response.
 * A stdio session stops reading and finishes as at the end of its input.
 * Streamable HTTP sessions are deleted. */
void              mcp_sse_demo_server_close_sessions    (McpSseDemoServer  *self);

/* Serves one MCP session over @input and @output, a line per message,
 * until the end of @input, mcp_sse_demo_server_close_sessions(), an error
 * of either stream, or @cancellable. The session counts in "n-sessions".
 * At the end, calls in progress are dropped without a response; what was
 * already answered is written (whole lines) and @output is flushed, then
 * the operation completes: successfully at the end of @input or on
 * mcp_sse_demo_server_close_sessions(), otherwise with the stream's error or
 * G_IO_ERROR_CANCELLED. The streams are neither closed nor used after it.
 * Call it on the server's main context, and run that context meanwhile.
 * Only one operation may use a given pair of streams at a time. */
void              mcp_sse_demo_server_serve_stdio_async  (McpSseDemoServer    *self,
                                                          GInputStream        *input,
                                                          GOutputStream       *output,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
gboolean          mcp_sse_demo_server_serve_stdio_finish (McpSseDemoServer    *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
