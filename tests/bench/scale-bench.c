/* scale-bench.c: many idle-ish McpSseClients on one thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   scale-bench [--url URL] [--clients N] [--seconds S] [--interval-ms MS]
 *               [--parallel K] [--shared-session] [--connection-close]
 *               [--setup-timeout T]
 *
 * Connects and initializes N clients, every one on the thread-default
 * main context of the main thread, at most K connecting at a time. Each
 * then calls the demo server's `slow` tool with a ::progress handler
 * connected, so that the server sends it one notifications/progress every
 * MS milliseconds (default 1000) for as long as it stays connected. Once
 * every client has received a message, the program measures for S
 * seconds and prints `name value` lines:
 *
 *  - rss0_kb: the resident set before the first client was made;
 *  - rss_kb: the resident set at the end of the measurement;
 *  - kb_per_client: (rss_kb - rss0_kb) / N;
 *  - cpu_percent: user + system CPU time over wall time while measuring;
 *  - us_per_message: that CPU time divided by the messages received.
 *
 * Each client has its own SoupSession, as mcp_sse_client_new_for_url()
 * makes it, unless --shared-session gives them all one session. libsoup
 * opens a new connection for every POST and keeps the last ones idle for
 * a minute; --connection-close sends `Connection: close` so that the
 * server closes each POST's connection once it answered.
 * Without --url the program starts the demo server on a thread of its own
 * (for the smoke runs). It fails when a client fails, or when not every
 * client has heard from the server within T seconds (default 300).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <mcp-sse/mcp-sse.h>

#include "bench-server.h"

typedef struct _Scale Scale;

typedef struct
{
  Scale *scale;
  McpSseClient *client;
  guint64 received;
} Peer;

struct _Scale
{
  Peer *peers;
  guint n_peers;
  guint next_to_connect;
  guint connecting;
  guint parallel;
  guint n_connected;
  guint n_heard;            /* peers that received at least one message */
  guint64 received;
  guint interval_ms;
  double setup_timeout;
  gboolean connection_close;
  SoupSession *session;     /* NULL: one session per client */
  GError *error;
};

static long
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  line = strstr (status, "\nVmRSS:");
  return line != NULL ? strtol (line + strlen ("\nVmRSS:"), NULL, 10) : -1;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void
scale_fail (Scale  *scale,
            GError *error)
{
  if (scale->error == NULL)
    scale->error = error;
  else
    g_error_free (error);
}

static void
on_progress (McpSseClient *client,
             JsonNode     *token,
             double        progress,
             double        total,
             const char   *message,
             Peer         *peer)
{
  if (peer->received++ == 0)
    peer->scale->n_heard++;
  peer->scale->received++;
}

static void
on_slow_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  /* The call ends only when the client stops. */
  node = mcp_sse_client_call_tool_finish (MCP_SSE_CLIENT (source), result, &error);
  if (node != NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "The slow call ended early");
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_prefix_error (&error, "Client %u, the slow call: ", (guint) (peer - peer->scale->peers));
      scale_fail (peer->scale, g_steal_pointer (&error));
    }
  g_clear_error (&error);
}

static void
start_slow_call (Peer *peer)
{
  g_autoptr(JsonNode) arguments = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_int_member (object, "steps", 10000);
  json_object_set_int_member (object, "interval_ms", peer->scale->interval_ms);
  json_node_set_object (arguments, object);
  g_signal_connect (peer->client, "progress", G_CALLBACK (on_progress), peer);
  mcp_sse_client_call_tool_async (peer->client, "slow", arguments, NULL, on_slow_done, peer);
}

static void connect_next (Scale      *scale,
                          const char *url);

typedef struct
{
  Peer *peer;
  const char *url;
} Connecting;

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Connecting *connecting = user_data;
  Peer *peer = connecting->peer;
  Scale *scale = peer->scale;
  GError *error = NULL;

  scale->connecting--;
  if (mcp_sse_client_connect_finish (MCP_SSE_CLIENT (source), result, &error))
    {
      scale->n_connected++;
      start_slow_call (peer);
    }
  else
    {
      g_prefix_error (&error, "Client %u, connecting: ", (guint) (peer - scale->peers));
      scale_fail (scale, error);
    }

  connect_next (scale, connecting->url);
  g_free (connecting);
}

static McpSseClient *
new_client (Scale      *scale,
            const char *url)
{
  g_autoptr(McpSseConnectionManager) manager = NULL;

  manager = mcp_sse_connection_manager_new_full (url, NULL, 5, 300, scale->session);
  if (scale->connection_close)
    mcp_sse_connection_manager_set_header (manager, "Connection", "close");
  return mcp_sse_client_new (MCP_SSE_TRANSPORT (manager));
}

static void
connect_next (Scale      *scale,
              const char *url)
{
  while (scale->error == NULL &&
         scale->connecting < scale->parallel &&
         scale->next_to_connect < scale->n_peers)
    {
      Peer *peer = &scale->peers[scale->next_to_connect++];
      Connecting *connecting = g_new (Connecting, 1);

      connecting->peer = peer;
      connecting->url = url;
      peer->scale = scale;
      peer->client = new_client (scale, url);
      mcp_sse_client_set_request_timeout (peer->client, 0);
      scale->connecting++;
      mcp_sse_client_connect_async (peer->client, NULL, on_connected, connecting);
    }
}

/* Runs the main context until every client heard from the server. */
static gboolean
wait_all_heard (Scale   *scale,
                GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (scale->setup_timeout * G_USEC_PER_SEC);

  while (scale->error == NULL && scale->n_heard < scale->n_peers &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  if (scale->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scale->error));
      return FALSE;
    }
  if (scale->n_heard < scale->n_peers)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "%u of %u clients connected, %u heard from the server within %g s",
                   scale->n_connected, scale->n_peers, scale->n_heard, scale->setup_timeout);
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_measured (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
measure (Scale   *scale,
         long     rss0,
         double   seconds,
         GError **error)
{
  gboolean measured = FALSE;
  guint64 received_start = scale->received;
  double cpu_start = cpu_seconds ();
  gint64 start = g_get_monotonic_time ();
  double cpu, wall;
  guint64 received;
  long rss;

  g_timeout_add ((guint) (seconds * 1000), on_measured, &measured);
  while (!measured && scale->error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (scale->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&scale->error));
      return FALSE;
    }

  cpu = cpu_seconds () - cpu_start;
  wall = (g_get_monotonic_time () - start) / 1e6;
  received = scale->received - received_start;
  rss = rss_kb ();

  g_print ("clients %u\n", scale->n_peers);
  g_print ("rss0_kb %ld\n", rss0);
  g_print ("rss_kb %ld\n", rss);
  g_print ("kb_per_client %.1f\n", (double) (rss - rss0) / scale->n_peers);
  g_print ("messages_per_second %.1f\n", received / wall);
  g_print ("cpu_percent %.2f\n", 100 * cpu / wall);
  g_print ("us_per_message %.1f\n", received > 0 ? 1e6 * cpu / received : 0);
  return TRUE;
}

static void
scale_stop (Scale *scale)
{
  guint i;

  for (i = 0; i < scale->n_peers; i++)
    if (scale->peers[i].client != NULL)
      mcp_sse_client_stop (scale->peers[i].client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  for (i = 0; i < scale->n_peers; i++)
    g_clear_object (&scale->peers[i].client);
  g_clear_object (&scale->session);
  g_clear_error (&scale->error);
  g_free (scale->peers);
}

static gboolean
run (Scale       *scale,
     const char  *url,
     double       seconds,
     gboolean     shared_session,
     GError     **error)
{
  long rss0 = rss_kb ();
  gboolean ok;

  scale->peers = g_new0 (Peer, scale->n_peers);
  if (shared_session)
    scale->session = soup_session_new_with_options ("max-conns", scale->n_peers + 64,
                                                    "max-conns-per-host", scale->n_peers + 64,
                                                    "timeout", 0,
                                                    NULL);

  connect_next (scale, url);
  ok = wait_all_heard (scale, error) && measure (scale, rss0, seconds, error);

  scale_stop (scale);
  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *url = NULL;
  gint clients = 1000;
  double seconds = 5;
  gint interval_ms = 1000;
  gint parallel = 32;
  gboolean shared_session = FALSE;
  double setup_timeout = 300;
  gboolean connection_close = FALSE;
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "The demo server's event stream (default: a demo server in this process)", "URL" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "Clients (default 1000)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Seconds to measure (default 5)", "S" },
    { "interval-ms", 0, 0, G_OPTION_ARG_INT, &interval_ms, "Milliseconds between the messages to each client (default 1000)", "MS" },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &parallel, "Clients connecting at a time (default 32)", "K" },
    { "shared-session", 0, 0, G_OPTION_ARG_NONE, &shared_session, "One SoupSession for all clients", NULL },
    { "connection-close", 0, 0, G_OPTION_ARG_NONE, &connection_close, "Send Connection: close", NULL },
    { "setup-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &setup_timeout, "Seconds for every client to hear from the server (default 300)", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure many McpSseClients on one thread");
  g_autoptr(GError) error = NULL;
  BenchServer *server = NULL;
  Scale scale = { 0 };
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (clients < 1 || seconds <= 0 || interval_ms < 1 || interval_ms > 60000 || parallel < 1 ||
      setup_timeout <= 0)
    {
      g_printerr ("--clients, --seconds, --parallel and --setup-timeout must be positive, "
                  "--interval-ms 1 to 60000\n");
      return 2;
    }

  if (url == NULL)
    {
      server = bench_server_start (&error);
      if (server == NULL)
        {
          g_printerr ("scale-bench: %s\n", error->message);
          return 1;
        }
      url = g_strdup (bench_server_get_url (server));
    }

  scale.n_peers = clients;
  scale.parallel = parallel;
  scale.interval_ms = interval_ms;
  scale.setup_timeout = setup_timeout;
  scale.connection_close = connection_close;
  ok = run (&scale, url, seconds, shared_session, &error);
  if (!ok)
    g_printerr ("scale-bench: %s\n", error->message);

  if (server != NULL)
    bench_server_stop (server);

  return ok ? 0 : 1;
}
