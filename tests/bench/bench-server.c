/* bench-server.c: the demo server on a thread of its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "bench-server.h"

#include "mcp-sse-demo-server.h"

struct _BenchServer
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  GMutex mutex;
  GCond cond;
  gboolean ready;
  char *url;
  GError *error;
};

static gpointer
server_thread (gpointer user_data)
{
  BenchServer *server = user_data;
  g_autoptr(McpSseDemoServer) demo = NULL;
  gboolean listening;

  g_main_context_push_thread_default (server->context);
  demo = mcp_sse_demo_server_new ();
  listening = mcp_sse_demo_server_listen (demo, "127.0.0.1", 0, &server->error);

  g_mutex_lock (&server->mutex);
  server->url = listening ? mcp_sse_demo_server_dup_url (demo) : NULL;
  server->ready = TRUE;
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->mutex);

  if (listening)
    g_main_loop_run (server->loop);

  g_clear_object (&demo);
  while (g_main_context_iteration (server->context, FALSE))
    ;
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static void
bench_server_free (BenchServer *server)
{
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_clear_error (&server->error);
  g_free (server->url);
  g_free (server);
}

BenchServer *
bench_server_start (GError **error)
{
  BenchServer *server = g_new0 (BenchServer, 1);

  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->thread = g_thread_new ("bench-server", server_thread, server);

  g_mutex_lock (&server->mutex);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);

  if (server->url == NULL)
    {
      g_thread_join (server->thread);
      g_propagate_error (error, g_steal_pointer (&server->error));
      bench_server_free (server);
      return NULL;
    }

  return server;
}

const char *
bench_server_get_url (BenchServer *server)
{
  return server->url;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
bench_server_stop (BenchServer *server)
{
  g_main_context_invoke (server->context, quit_loop, server->loop);
  g_thread_join (server->thread);
  bench_server_free (server);
}
