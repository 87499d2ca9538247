/* interop-server.h: third-party MCP servers as child processes, for the
 * interop tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

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

G_END_DECLS
