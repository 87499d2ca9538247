/* json-bench.c: the JSON reader against JsonParser on the same input
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reads each input over and over, in one run, with:
 *
 *  - mcp_sse_json_reader_read(), the library's reader, whose trees are
 *    not sealed;
 *  - a new immutable JsonParser per message (what the library did before);
 *  - a new JsonParser per message;
 *  - one JsonParser reused for every message (its best case);
 *  - no parser at all: the same tree built from a recorded list of steps
 *    with the json-glib node calls the reader makes, about the floor that
 *    any reader building JsonNodes stands on (on large inputs, walking the
 *    list of steps costs something of its own).
 *
 * and prints messages/s and MB/s of each, per second of CPU time (best of
 * three rounds; every read includes freeing the tree). The inputs:
 *
 *  - the 323-byte notifications/message of the demo server's flood (the
 *    message of the 346-byte frames of the throughput figures);
 *  - a 323-byte notification with more structure: nested objects, an array,
 *    integers, doubles, escapes;
 *  - an array of objects of about 1 MB.
 *
 * The reader and JsonParser must build equal trees from each input, or the
 * program fails.
 *
 *   json-bench [--duration SECONDS] [--input FILE]
 */

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcp-sse-json-reader-private.h"

static const char flood_notification[] =
  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
  "\"params\":{\"level\":\"info\",\"logger\":\"flood\","
  "\"data\":{\"seq\":1,\"text\":\""
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  "xxx"
  "\"}}}";

static const char structured_notification[] =
  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":"
  "{\"level\":\"info\",\"logger\":\"everything-server\",\"data\":"
  "{\"message\":\"Info-level message\",\"sequence\":12345,"
  "\"timestamp\":\"2025-06-18T12:00:00.000Z\",\"progress\":0.75,"
  "\"tags\":[\"demo\",\"log\",\"sse\"],\"details\":{"
  "\"port\":3001,\"elapsed_ms\":12.5,\"ok\":true,\"note\":\"caf\\u00e9 \\\"ok\\\"\"}}}}";

G_STATIC_ASSERT (sizeof flood_notification - 1 == 323);
G_STATIC_ASSERT (sizeof structured_notification - 1 == 323);

/* About 1 MB: an array of objects like those of a long tools/list. */
static GString *
build_array_of_objects (void)
{
  GString *text = g_string_new ("[");
  guint i;

  for (i = 0; text->len < 1000000; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append_printf (text,
                              "{\"id\":%u,\"name\":\"item-%u\",\"title\":\"Item number %u\","
                              "\"price\":%u.%02u,\"ratio\":%.6g,\"active\":%s,\"parent\":null,"
                              "\"tags\":[\"alpha\",\"beta\",\"gamma\"],"
                              "\"meta\":{\"created\":\"2025-06-18T12:00:00Z\",\"revision\":%u,"
                              "\"path\":\"\\/srv\\/items\\/%u\"}}",
                              i, i, i, i % 1000, i % 100, i / 7.0,
                              i % 2 ? "true" : "false", i % 13, i);
    }
  g_string_append_c (text, ']');

  return text;
}

typedef JsonNode *(*ReadFunc) (const char *text,
                               gsize       length);

static JsonNode *
read_with_reader (const char *text,
                  gsize       length)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = mcp_sse_json_reader_read (text, length, &error);

  if (node == NULL)
    g_error ("The reader refused the input: %s", error->message);
  return node;
}

static JsonNode *
read_with_new_parser (const char *text,
                      gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, (gssize) length, &error))
    g_error ("JsonParser refused the input: %s", error->message);
  return json_parser_steal_root (parser);
}

static JsonNode *
read_with_new_immutable_parser (const char *text,
                                gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (parser, text, (gssize) length, &error))
    g_error ("JsonParser refused the input: %s", error->message);
  return json_parser_steal_root (parser);
}

static JsonParser *shared_parser;

static JsonNode *
read_with_shared_parser (const char *text,
                         gsize       length)
{
  g_autoptr(GError) error = NULL;

  if (!json_parser_load_from_data (shared_parser, text, (gssize) length, &error))
    g_error ("JsonParser refused the input: %s", error->message);
  return json_parser_steal_root (shared_parser);
}

/* The floor: the tree of an input recorded as a flat list of steps, then
 * built from that list with the json-glib calls the reader makes, with no
 * text to look at. */
typedef enum
{
  STEP_OBJECT,
  STEP_ARRAY,
  STEP_END,
  STEP_STRING,
  STEP_INT,
  STEP_DOUBLE,
  STEP_BOOLEAN,
  STEP_NULL,
} StepKind;

typedef struct
{
  StepKind kind;
  const char *name;         /* of the member, in an object */
  const char *string;
  gint64 integer;
  double number;
} Step;

static GArray *recorded_steps;

static void
record_steps (JsonNode   *node,
              const char *name)
{
  Step step = { STEP_NULL, name, NULL, 0, 0 };

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *member_name;
        JsonNode *member;

        step.kind = STEP_OBJECT;
        g_array_append_val (recorded_steps, step);
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &member_name, &member))
          record_steps (member, member_name);
        step.kind = STEP_END;
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint i;

        step.kind = STEP_ARRAY;
        g_array_append_val (recorded_steps, step);
        for (i = 0; i < json_array_get_length (array); i++)
          record_steps (json_array_get_element (array, i), NULL);
        step.kind = STEP_END;
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          step.kind = STEP_STRING;
          step.string = json_node_get_string (node);
        }
      else if (json_node_get_value_type (node) == G_TYPE_INT64)
        {
          step.kind = STEP_INT;
          step.integer = json_node_get_int (node);
        }
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        {
          step.kind = STEP_DOUBLE;
          step.number = json_node_get_double (node);
        }
      else
        {
          step.kind = STEP_BOOLEAN;
          step.integer = json_node_get_boolean (node);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }

  g_array_append_val (recorded_steps, step);
}

static JsonNode *
node_for_step (const Step *step)
{
  JsonNode *node = json_node_alloc ();

  switch (step->kind)
    {
    case STEP_OBJECT:
      json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), json_object_new ());
      return node;
    case STEP_ARRAY:
      json_node_take_array (json_node_init (node, JSON_NODE_ARRAY), json_array_new ());
      return node;
    case STEP_STRING:
      return json_node_init_string (node, step->string);
    case STEP_INT:
      return json_node_init_int (node, step->integer);
    case STEP_DOUBLE:
      return json_node_init_double (node, step->number);
    case STEP_BOOLEAN:
      return json_node_init_boolean (node, step->integer != 0);
    case STEP_NULL:
    case STEP_END:
    default:
      return json_node_init_null (node);
    }
}

static JsonNode *
build_without_parsing (const char *text,
                       gsize       length)
{
  JsonNode *parents[MCP_SSE_JSON_READER_MAX_DEPTH];
  JsonObject *objects[MCP_SSE_JSON_READER_MAX_DEPTH];
  JsonArray *arrays[MCP_SSE_JSON_READER_MAX_DEPTH];
  JsonNode *root = NULL;
  guint depth = 0;
  guint i;

  for (i = 0; i < recorded_steps->len; i++)
    {
      const Step *step = &g_array_index (recorded_steps, Step, i);
      JsonNode *node;

      if (step->kind == STEP_END)
        {
          depth--;
          continue;
        }

      node = node_for_step (step);
      if (depth == 0)
        root = node;
      else
        {
          json_node_set_parent (node, parents[depth - 1]);
          if (arrays[depth - 1] != NULL)
            json_array_add_element (arrays[depth - 1], node);
          else
            json_object_set_member (objects[depth - 1], step->name, node);
        }

      if (step->kind == STEP_OBJECT || step->kind == STEP_ARRAY)
        {
          parents[depth] = node;
          objects[depth] = step->kind == STEP_OBJECT ? json_node_get_object (node) : NULL;
          arrays[depth] = step->kind == STEP_ARRAY ? json_node_get_array (node) : NULL;
          depth++;
        }
    }

  return root;
}

/* The CPU time of the process in microseconds: on a shared machine, the
 * rates depend less on what else runs than with wall-clock time. */
static gint64
cpu_time (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* Reads @text over and over for about @duration seconds of CPU time;
 * returns the best rate of three rounds, in reads per CPU second. */
static double
measure (ReadFunc    read,
         const char *text,
         gsize       length,
         double      duration)
{
  double best = 0;
  int round;

  json_node_unref (read (text, length));   /* warm up */

  for (round = 0; round < 3; round++)
    {
      gint64 start = cpu_time ();
      gint64 deadline = start + (gint64) (duration / 3 * G_USEC_PER_SEC);
      gint64 now;
      guint64 count = 0;

      do
        {
          json_node_unref (read (text, length));
          count++;
          now = cpu_time ();
        }
      while (now < deadline);

      best = MAX (best, count * (double) G_USEC_PER_SEC / MAX (now - start, 1));
    }

  return best;
}

static void
check_same_tree (const char *text,
                 gsize       length)
{
  g_autoptr(JsonNode) ours = read_with_reader (text, length);
  g_autoptr(JsonNode) theirs = read_with_new_parser (text, length);

  if (!json_node_equal (ours, theirs))
    g_error ("The reader and JsonParser read different trees");
}

static void
print_rate (const char *label,
            double      rate,
            gsize       length)
{
  g_print ("  %-38s %12.0f messages/s %9.1f MB/s\n", label, rate, rate * length / 1e6);
}

static void
run (const char *label,
     const char *text,
     gsize       length,
     double      duration)
{
  g_autoptr(JsonNode) tree = read_with_reader (text, length);
  double reader, immutable, fresh, shared, floor;

  check_same_tree (text, length);
  recorded_steps = g_array_new (FALSE, FALSE, sizeof (Step));
  record_steps (tree, NULL);

  reader = measure (read_with_reader, text, length, duration);
  immutable = measure (read_with_new_immutable_parser, text, length, duration);
  fresh = measure (read_with_new_parser, text, length, duration);
  shared = measure (read_with_shared_parser, text, length, duration);
  floor = measure (build_without_parsing, text, length, duration);
  g_clear_pointer (&recorded_steps, g_array_unref);

  g_print ("%s (%" G_GSIZE_FORMAT " bytes)\n", label, length);
  print_rate ("mcp_sse_json_reader_read", reader, length);
  print_rate ("JsonParser immutable, new per message", immutable, length);
  print_rate ("JsonParser, new per message", fresh, length);
  print_rate ("JsonParser, reused", shared, length);
  print_rate ("node calls alone, no parsing", floor, length);
  g_print ("  reader: %.2fx a new immutable JsonParser, %.2fx a new one, %.2fx a reused one\n",
           reader / immutable, reader / fresh, reader / shared);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) array = NULL;
  g_autofree char *input = NULL;
  double duration = 1.0;
  const GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds to spend on each way of reading each input (default 1)", "SECONDS" },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input, "Also measure the JSON in this file", "FILE" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- compare the JSON reader with JsonParser");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (duration <= 0)
    {
      g_printerr ("The duration must be positive\n");
      return EXIT_FAILURE;
    }

  shared_parser = json_parser_new ();
  array = build_array_of_objects ();

  run ("notifications/message of the flood", flood_notification,
       sizeof flood_notification - 1, duration);
  run ("notifications/message, structured", structured_notification,
       sizeof structured_notification - 1, duration);
  run ("array of objects", array->str, array->len, duration);

  if (input != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (input, &contents, &length, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      run (input, contents, length, duration);
    }

  g_clear_object (&shared_parser);
  return EXIT_SUCCESS;
}
