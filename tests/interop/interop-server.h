/* interop-server.h: third-party MCP servers as child processes, for the
 * interop tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mcp-sse-test-utils.h"

G_BEGIN_DECLS

typedef enum
{
  INTEROP_SERVER_EVERYTHING,  /* @modelcontextprotocol/server-everything, sse mode */
  INTEROP_SERVER_SDK,         /* sdk-server.mjs: SSEServerTransport on node:http */
} InteropServerKind;

typedef struct _InteropServer InteropServer;

int            interop_main_skip_unless_ready (void);
gboolean       interop_is_ready               (char             **reason);

InteropServer *interop_server_start           (InteropServerKind  kind);
void           interop_server_free            (InteropServer     *server);
const char    *interop_server_get_url         (InteropServer     *server);
guint16        interop_server_get_port        (InteropServer     *server);
gboolean       interop_server_is_running      (InteropServer     *server);
void           interop_server_kill            (InteropServer     *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InteropServer, interop_server_free)

/* Third-party servers that speak MCP over stdio: the command that runs
 * one (node and the package's own bin script in node_modules) and what it
 * needs around it. Each peer gets a new temporary directory, which is its
 * working directory and the only place it may write:
 * - server-filesystem is allowed that directory alone, which holds
 *   INTEROP_STDIO_FILE_NAME with INTEROP_STDIO_FILE_TEXT in it;
 * - server-memory keeps its graph in INTEROP_STDIO_MEMORY_FILE_NAME there
 *   (MEMORY_FILE_PATH).
 * Nothing is started: a test spawns the argv itself, with the environment
 * of interop_stdio_peer_get_environ(), or with the launcher that
 * interop_stdio_peer_new_launcher() sets up. */
typedef enum
{
  INTEROP_STDIO_PEER_EVERYTHING,  /* @modelcontextprotocol/server-everything, stdio mode */
  INTEROP_STDIO_PEER_FILESYSTEM,  /* @modelcontextprotocol/server-filesystem */
  INTEROP_STDIO_PEER_MEMORY,      /* @modelcontextprotocol/server-memory */
} InteropStdioPeerKind;

#define INTEROP_STDIO_FILE_NAME "hello.txt"
#define INTEROP_STDIO_FILE_TEXT "Hello from mcp-sse\n"
#define INTEROP_STDIO_MEMORY_FILE_NAME "memory.jsonl"

typedef struct _InteropStdioPeer InteropStdioPeer;

InteropStdioPeer    *interop_stdio_peer_new           (InteropStdioPeerKind  kind);
void                 interop_stdio_peer_free          (InteropStdioPeer     *peer);
const char          *interop_stdio_peer_get_name      (InteropStdioPeer     *peer);
/* The `name` of the peer's serverInfo. */
const char          *interop_stdio_peer_get_server_name (InteropStdioPeer   *peer);
const char * const  *interop_stdio_peer_get_argv      (InteropStdioPeer     *peer);
/* The whole environment of the child: the test's, with NODE_OPTIONS unset
 * and what the peer needs set. */
const char * const  *interop_stdio_peer_get_environ   (InteropStdioPeer     *peer);
const char          *interop_stdio_peer_get_directory (InteropStdioPeer     *peer);
/* A launcher with @flags, that environment, that working directory, and
 * children that die with the test. */
GSubprocessLauncher *interop_stdio_peer_new_launcher  (InteropStdioPeer     *peer,
                                                       GSubprocessFlags      flags);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InteropStdioPeer, interop_stdio_peer_free)

/* Reading a tools/call result: whether it is an error result, and its
 * content item @index, asserted to be of @type. */
gboolean             interop_result_is_error          (JsonNode             *result);
JsonObject          *interop_content_item             (JsonNode             *result,
                                                       guint                 index,
                                                       const char           *type);
const char          *interop_content_text             (JsonNode             *result,
                                                       guint                 index);

G_END_DECLS
