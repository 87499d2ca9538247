/* interop-server.h: third-party MCP servers as child processes, and
 * waiting with deadlines, for the interop tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  INTEROP_SERVER_EVERYTHING,  /* @modelcontextprotocol/server-everything, sse mode */
  INTEROP_SERVER_SDK,         /* sdk-server.mjs: SSEServerTransport on node:http */
} InteropServerKind;

typedef struct _InteropServer InteropServer;

int            interop_main_skip_unless_ready (void);
gboolean       interop_is_ready               (char             **reason);
void           interop_launcher_die_with_parent (GSubprocessLauncher *launcher);

InteropServer *interop_server_start           (InteropServerKind  kind);
void           interop_server_free            (InteropServer     *server);
const char    *interop_server_get_url         (InteropServer     *server);
guint16        interop_server_get_port        (InteropServer     *server);
gboolean       interop_server_is_running      (InteropServer     *server);
void           interop_server_kill            (InteropServer     *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InteropServer, interop_server_free)

/* A deadline on the default main context: iterating it wakes up when the
 * deadline passes, so that a wait never blocks beyond it. */
typedef struct _InteropDeadline InteropDeadline;

InteropDeadline *interop_deadline_new     (double           seconds);
gboolean         interop_deadline_passed  (InteropDeadline *deadline);
void             interop_deadline_free    (InteropDeadline *deadline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InteropDeadline, interop_deadline_free)

/* Iterates the default main context until @condition holds or @seconds
 * have passed; the caller then asserts @condition. */
#define interop_wait_until(condition, seconds)                          \
  G_STMT_START {                                                        \
    g_autoptr(InteropDeadline) interop_deadline__ =                     \
      interop_deadline_new (seconds);                                   \
    while (!(condition) && !interop_deadline_passed (interop_deadline__)) \
      g_main_context_iteration (NULL, TRUE);                            \
  } G_STMT_END

G_END_DECLS
