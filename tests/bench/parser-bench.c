/* parser-bench.c: throughput of McpSseEventParser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Feeds two streams through the public parser with an ::event handler
 * connected, each in 64 KiB and in 1 KiB chunks:
 *
 *  - frames: N MCP-style frames, `event: message\ndata: {~300-byte JSON}\n\n`
 *  - big:    one `data:` line of BYTES bytes
 *
 * and prints the median MB/s and events/s of a few repetitions next to the
 * event count and a checksum of the data. Besides the wall-clock figures
 * (g_get_monotonic_time) it prints MB/s of the thread's CPU time, which a
 * busy machine disturbs less. The handler keeps a reference to
 * each event; the checksum is taken after the clock stops, so the figures
 * are those of the parser itself. The count and checksum are compared with
 * what the generated stream must give; a difference fails the program.
 *
 * Each series uses one parser, ended after every repetition, as a
 * long-lived connection does; an untimed first repetition warms it up.
 * --fresh-parser makes a new parser for every repetition instead.
 *
 *   parser-bench [--frames N] [--big-size BYTES] [--repeat K] [--fresh-parser]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mcp-sse/mcp-sse.h>

typedef struct
{
  const char *name;
  GString *stream;
  guint64 n_events;     /* what the stream must give */
  guint64 checksum;
} Workload;

/* FNV-1a over the data of each event, in order. */
static guint64
checksum_add (guint64     checksum,
              const char *data,
              gsize       length)
{
  gsize i;

  for (i = 0; i < length; i++)
    {
      checksum ^= (guchar) data[i];
      checksum *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return checksum;
}

#define CHECKSUM_INIT G_GUINT64_CONSTANT (0xcbf29ce484222325)

/* `event: message\ndata: {...}\n\n` with about 300 bytes of JSON. */
static Workload
make_frames (guint n_frames)
{
  Workload workload = { "frames", g_string_new (NULL), n_frames, CHECKSUM_INIT };
  GString *json = g_string_new (NULL);
  guint i;

  for (i = 0; i < n_frames; i++)
    {
      g_string_printf (json,
                       "{\"jsonrpc\":\"2.0\",\"id\":%u,\"result\":{\"content\":[{\"type\":\"text\","
                       "\"text\":\"Result %u of the benchmark: caf\xC3\xA9 %08x\"}],"
                       "\"structuredContent\":{\"temperature\":%u.%u,\"unit\":\"celsius\","
                       "\"station\":\"bench-%u\",\"tags\":[\"alpha\",\"beta\",\"gamma\"]},"
                       "\"isError\":false,\"_meta\":{\"progressToken\":\"token-%u\"}}}",
                       i, i, i * 2654435761u, i % 40, i % 10, i % 97, i);
      if (json->len + 10 < 300)
        {
          /* Pad the result object to about 300 bytes. */
          g_autofree char *dots = g_strnfill (300 - json->len - 10, '.');
          g_autofree char *pad = g_strdup_printf (",\"pad\":\"%s\"", dots);

          g_string_insert (json, json->len - 2, pad);
        }

      g_string_append (workload.stream, "event: message\ndata: ");
      g_string_append_len (workload.stream, json->str, json->len);
      g_string_append (workload.stream, "\n\n");
      workload.checksum = checksum_add (workload.checksum, json->str, json->len);
    }

  g_string_free (json, TRUE);
  return workload;
}

/* One `data:` line of @size bytes: base64-like text with a two-byte
 * character now and then, as a large tool result looks. */
static Workload
make_big (gsize size)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  Workload workload = { "big", g_string_sized_new (size + 16), 1, CHECKSUM_INIT };
  GString *data = g_string_sized_new (size);
  guint32 state = 1;

  while (data->len < size)
    {
      if (data->len % 4096 == 4000 && size - data->len >= 2)
        g_string_append (data, "\xC3\xA9");
      else
        {
          state = state * 1103515245 + 12345;
          g_string_append_c (data, alphabet[(state >> 16) % 64]);
        }
    }

  g_string_append (workload.stream, "data: ");
  g_string_append_len (workload.stream, data->str, data->len);
  g_string_append (workload.stream, "\n\n");
  workload.checksum = checksum_add (workload.checksum, data->str, data->len);

  g_string_free (data, TRUE);
  return workload;
}

static void
on_event (McpSseEventParser *parser,
          McpSseEvent       *event,
          GPtrArray         *events)
{
  g_ptr_array_add (events, mcp_sse_event_ref (event));
}

typedef struct
{
  gint64 microseconds;
  gint64 cpu_microseconds;
  guint64 n_events;
  guint64 checksum;
} Run;

/* Feeds the whole stream and ends it; the events are checked after the
 * clock stops. */
static gint64
thread_cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static gboolean
run_once (McpSseEventParser *parser,
          GPtrArray         *events,
          const Workload    *workload,
          gsize              chunk,
          Run               *run,
          GError           **error)
{
  const guint8 *bytes = (const guint8 *) workload->stream->str;
  gsize length = workload->stream->len;
  gsize offset;
  gint64 start, cpu_start;
  guint i;

  cpu_start = thread_cpu_time ();
  start = g_get_monotonic_time ();
  for (offset = 0; offset < length; offset += chunk)
    if (!mcp_sse_event_parser_feed (parser, bytes + offset, MIN (chunk, length - offset), error))
      return FALSE;
  mcp_sse_event_parser_end (parser);
  run->microseconds = MAX (g_get_monotonic_time () - start, 1);
  run->cpu_microseconds = MAX (thread_cpu_time () - cpu_start, 1);

  run->n_events = events->len;
  run->checksum = CHECKSUM_INIT;
  for (i = 0; i < events->len; i++)
    {
      GBytes *data = mcp_sse_event_get_data_bytes (g_ptr_array_index (events, i));
      gsize size;
      const char *text = g_bytes_get_data (data, &size);

      run->checksum = checksum_add (run->checksum, text, size);
    }
  g_ptr_array_set_size (events, 0);

  return TRUE;
}

static McpSseEventParser *
new_parser (GPtrArray *events)
{
  McpSseEventParser *parser = mcp_sse_event_parser_new ();

  g_signal_connect (parser, "event", G_CALLBACK (on_event), events);
  mcp_sse_event_parser_set_max_event_size (parser, 0);

  return parser;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  const gint64 *ia = a, *ib = b;

  return (*ia > *ib) - (*ia < *ib);
}

static gboolean
bench (const Workload *workload,
       gsize           chunk,
       guint           repeat,
       gboolean        fresh_parser,
       GError        **error)
{
  g_autofree Run *runs = g_new0 (Run, repeat + 1);
  g_autofree gint64 *wall = g_new0 (gint64, repeat);
  g_autofree gint64 *cpu = g_new0 (gint64, repeat);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref);
  g_autoptr(McpSseEventParser) parser = new_parser (events);
  double seconds, cpu_seconds, megabytes;
  guint i;

  /* Run 0 warms up and is not counted. */
  for (i = 0; i <= repeat; i++)
    {
      if (fresh_parser)
        {
          g_object_unref (parser);
          parser = new_parser (events);
        }

      if (!run_once (parser, events, workload, chunk, &runs[i], error))
        return FALSE;

      if (runs[i].n_events != workload->n_events || runs[i].checksum != workload->checksum)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "%s in %" G_GSIZE_FORMAT "-byte chunks: %" G_GUINT64_FORMAT
                       " events with checksum %016" G_GINT64_MODIFIER "x, expected %"
                       G_GUINT64_FORMAT " with %016" G_GINT64_MODIFIER "x",
                       workload->name, chunk, runs[i].n_events, runs[i].checksum,
                       workload->n_events, workload->checksum);
          return FALSE;
        }
    }

  for (i = 0; i < repeat; i++)
    {
      wall[i] = runs[i + 1].microseconds;
      cpu[i] = runs[i + 1].cpu_microseconds;
    }
  qsort (wall, repeat, sizeof (gint64), compare_gint64);
  qsort (cpu, repeat, sizeof (gint64), compare_gint64);
  seconds = wall[repeat / 2] / 1e6;
  cpu_seconds = cpu[repeat / 2] / 1e6;
  megabytes = workload->stream->len / 1e6;

  g_print ("%-6s  chunk %6" G_GSIZE_FORMAT "  %6.1f MB  %7.1f MB/s  %10.0f events/s"
           "  (cpu %7.1f MB/s)  %" G_GUINT64_FORMAT " events  checksum %016" G_GINT64_MODIFIER "x\n",
           workload->name, chunk, megabytes, megabytes / seconds,
           workload->n_events / seconds, megabytes / cpu_seconds,
           runs[repeat].n_events, runs[repeat].checksum);

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  static const gsize chunks[] = { 64 * 1024, 1024 };
  gint frames = 100000;
  gint64 big_size = 10 * 1024 * 1024;
  gint repeat = 5;
  gboolean fresh_parser = FALSE;
  const GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Number of MCP frames (default 100000)", "N" },
    { "big-size", 0, 0, G_OPTION_ARG_INT64, &big_size, "Bytes of the big data line (default 10 MiB)", "BYTES" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Repetitions; the median is printed (default 5)", "K" },
    { "fresh-parser", 0, 0, G_OPTION_ARG_NONE, &fresh_parser, "A new parser for every repetition, not one for the whole series", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- measure the SSE event parser");
  g_autoptr(GError) error = NULL;
  Workload workloads[2];
  guint w, c;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (frames < 1 || big_size < 1 || repeat < 1)
    {
      g_printerr ("--frames, --big-size and --repeat must be positive\n");
      return 2;
    }

  workloads[0] = make_frames (frames);
  workloads[1] = make_big (big_size);

  g_print ("# %s, median of %d runs after one warm-up\n",
           fresh_parser ? "a new parser for every run" : "one parser per series, ended after every run",
           repeat);

  for (w = 0; w < G_N_ELEMENTS (workloads); w++)
    for (c = 0; c < G_N_ELEMENTS (chunks); c++)
      if (!bench (&workloads[w], chunks[c], repeat, fresh_parser, &error))
        {
          g_printerr ("parser-bench: %s\n", error->message);
          return 1;
        }

  for (w = 0; w < G_N_ELEMENTS (workloads); w++)
    g_string_free (workloads[w].stream, TRUE);

  return 0;
}
