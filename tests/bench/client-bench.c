/* client-bench.c: McpSseClient against an MCP server, as an application
 * uses it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   client-bench flood [--url URL] [--count N] [--size BYTES]
 *
 * connects and initializes, calls the demo server's `flood` tool, which
 * sends N notifications/message whose JSON text is BYTES long, and reads
 * every one through a ::notification handler that adds up its
 * params.data.seq. The clock and the CPU time (user + system, from
 * getrusage) run from the call to its result, which the server sends
 * after the last notification.
 *
 *   client-bench ping [--url URL] [--count N] [--warmup W]
 *
 * sends W untimed pings, then N timed ones, one after the other: each is
 * a POST whose response comes back on the event stream.
 *
 * Both print `name value` lines for tests/bench/run to read, with the
 * peak RSS of the process (max_rss_kb, VmHWM). Without --url the program
 * starts the demo server on a thread of its own (for the smoke runs; the
 * figures come from a server in another process). It fails when a count
 * or the checksum is not what the server sent.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <mcp-sse/mcp-sse.h>

#include "bench-server.h"

/* How long any one step may take before the program gives up. */
#define STEP_TIMEOUT_SECONDS 300

typedef struct
{
  McpSseClient *client;
  guint64 received;
  guint64 checksum;
  gboolean done;
  JsonNode *result;
  GError *error;
} Bench;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* VmHWM, the peak RSS of this program: unlike getrusage()'s ru_maxrss,
 * it does not count what the parent used before exec(). */
static long
max_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;

  line = strstr (status, "\nVmHWM:");
  return line != NULL ? strtol (line + strlen ("\nVmHWM:"), NULL, 10) : -1;
}

/* Runs the main context until bench->done, or fails after the deadline. */
static gboolean
wait_done (Bench   *bench,
           GError **error)
{
  gint64 deadline = g_get_monotonic_time () + STEP_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (!bench->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  if (!bench->done)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                   "No answer within %d s", STEP_TIMEOUT_SECONDS);
      return FALSE;
    }

  bench->done = FALSE;
  if (bench->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&bench->error));
      return FALSE;
    }

  return TRUE;
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Bench *bench = user_data;

  mcp_sse_client_connect_finish (MCP_SSE_CLIENT (source), result, &bench->error);
  bench->done = TRUE;
}

static gboolean
connect_client (Bench       *bench,
                const char  *url,
                GError     **error)
{
  bench->client = mcp_sse_client_new_for_url (url);
  mcp_sse_client_set_request_timeout (bench->client, STEP_TIMEOUT_SECONDS);
  mcp_sse_client_connect_async (bench->client, NULL, on_connected, bench);

  return wait_done (bench, error);
}

/* Flood */

static void
on_log_message (McpSseClient *client,
                const char   *method,
                JsonNode     *params,
                Bench        *bench)
{
  JsonObject *data = json_object_get_object_member (json_node_get_object (params), "data");

  bench->checksum += json_object_get_int_member (data, "seq");
  bench->received++;
}

static void
on_tool_called (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Bench *bench = user_data;

  bench->result = mcp_sse_client_call_tool_finish (MCP_SSE_CLIENT (source), result, &bench->error);
  bench->done = TRUE;
}

static JsonNode *
flood_arguments (guint64 count,
                 guint64 size)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, count);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, size);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
run_flood (Bench    *bench,
           guint64   count,
           guint64   size,
           GError  **error)
{
  g_autoptr(JsonNode) arguments = flood_arguments (count, size);
  guint64 expected = count * (count + 1) / 2;
  double cpu_start, cpu;
  gint64 start, microseconds;

  g_signal_connect (bench->client, "notification::notifications/message",
                    G_CALLBACK (on_log_message), bench);

  cpu_start = cpu_seconds ();
  start = g_get_monotonic_time ();
  mcp_sse_client_call_tool_async (bench->client, "flood", arguments, NULL, on_tool_called, bench);
  if (!wait_done (bench, error))
    return FALSE;
  microseconds = MAX (g_get_monotonic_time () - start, 1);
  cpu = cpu_seconds () - cpu_start;

  if (bench->received != count || bench->checksum != expected)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%" G_GUINT64_FORMAT " messages with checksum %" G_GUINT64_FORMAT
                   ", expected %" G_GUINT64_FORMAT " with %" G_GUINT64_FORMAT,
                   bench->received, bench->checksum, count, expected);
      return FALSE;
    }

  g_print ("messages %" G_GUINT64_FORMAT "\n", bench->received);
  g_print ("checksum %" G_GUINT64_FORMAT "\n", bench->checksum);
  g_print ("seconds %.6f\n", microseconds / 1e6);
  g_print ("cpu_seconds %.6f\n", cpu);
  g_print ("messages_per_second %.0f\n", bench->received / (microseconds / 1e6));
  return TRUE;
}

/* Ping */

static void
on_pinged (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Bench *bench = user_data;

  bench->result = mcp_sse_client_ping_finish (MCP_SSE_CLIENT (source), result, &bench->error);
  bench->done = TRUE;
}

static gboolean
ping_once (Bench    *bench,
           GError  **error)
{
  mcp_sse_client_ping_async (bench->client, NULL, on_pinged, bench);
  if (!wait_done (bench, error))
    return FALSE;

  g_clear_pointer (&bench->result, json_node_unref);
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

/* The nearest-rank percentile of @sorted. */
static double
percentile (const double *sorted,
            guint         n,
            double        fraction)
{
  guint rank = (guint) MAX (1.0, fraction * n + 0.999999);

  return sorted[MIN (rank, n) - 1];
}

static gboolean
run_ping (Bench    *bench,
          guint     count,
          guint     warmup,
          GError  **error)
{
  g_autofree double *ms = g_new (double, count);
  guint i;

  for (i = 0; i < warmup; i++)
    if (!ping_once (bench, error))
      return FALSE;

  for (i = 0; i < count; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!ping_once (bench, error))
        return FALSE;
      ms[i] = (g_get_monotonic_time () - start) / 1e3;
    }

  qsort (ms, count, sizeof (double), compare_doubles);
  g_print ("pings %u\n", count);
  g_print ("p50_ms %.4f\n", percentile (ms, count, 0.50));
  g_print ("p90_ms %.4f\n", percentile (ms, count, 0.90));
  g_print ("p99_ms %.4f\n", percentile (ms, count, 0.99));
  return TRUE;
}

/* Main */

static gboolean
run (const char  *mode,
     const char  *url,
     gint64       count,
     gint64       size,
     gint64       warmup,
     GError     **error)
{
  Bench bench = { 0 };
  gboolean ok;

  if (!connect_client (&bench, url, error))
    ok = FALSE;
  else if (g_str_equal (mode, "flood"))
    ok = run_flood (&bench, count, size, error);
  else
    ok = run_ping (&bench, count, warmup, error);

  if (ok)
    g_print ("max_rss_kb %ld\n", max_rss_kb ());

  mcp_sse_client_stop (bench.client);
  g_clear_pointer (&bench.result, json_node_unref);
  g_clear_object (&bench.client);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *url = NULL;
  gint64 count = -1;
  gint64 size = 323;
  gint64 warmup = 100;
  const GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "The server's event stream (default: a demo server in this process)", "URL" },
    { "count", 0, 0, G_OPTION_ARG_INT64, &count, "Messages to flood (default 100000) or pings to time (default 2000)", "N" },
    { "size", 0, 0, G_OPTION_ARG_INT64, &size, "Bytes of JSON per flood message (default 323: 346-byte frames)", "BYTES" },
    { "warmup", 0, 0, G_OPTION_ARG_INT64, &warmup, "Untimed pings first (default 100)", "W" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("flood|ping - measure McpSseClient");
  g_autoptr(GError) error = NULL;
  BenchServer *server = NULL;
  const char *mode;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  mode = argc == 2 ? argv[1] : "";
  if (!g_str_equal (mode, "flood") && !g_str_equal (mode, "ping"))
    {
      g_printerr ("Usage: client-bench flood|ping [OPTION…]\n");
      return 2;
    }
  if (count < 0)
    count = g_str_equal (mode, "flood") ? 100000 : 2000;
  if (count < 1 || size < 0 || warmup < 0 || count > G_MAXINT32)
    {
      g_printerr ("--count must be positive, --size and --warmup not negative\n");
      return 2;
    }

  if (url == NULL)
    {
      server = bench_server_start (&error);
      if (server == NULL)
        {
          g_printerr ("client-bench: %s\n", error->message);
          return 1;
        }
      url = g_strdup (bench_server_get_url (server));
    }

  ok = run (mode, url, count, size, warmup, &error);
  if (!ok)
    g_printerr ("client-bench: %s\n", error->message);

  if (server != NULL)
    bench_server_stop (server);

  return ok ? 0 : 1;
}
