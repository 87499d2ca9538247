/* fuzz-event-parser.c: a libFuzzer target for McpSseEventParser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first two bytes of an input choose how the rest, the stream, is fed:
 * byte 0 seeds the chunk sizes and byte 1 sets a small max-event-size
 * (1 + byte 1). The stream is fed to one parser whole and to another in
 * chunks, each twice with end() in between (the second stream inherits the
 * last event ID and the retry time), once without a limit and once with
 * the small limit. Everything observable must be the same in both and
 * equal to what a reference model, written straight from the WHATWG rules
 * on the whole stream, computes: each event's type, data bytes and ID,
 * retry, last-event-id, and whether some feed() failed with
 * EVENT_TOO_LARGE.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mcp-sse/mcp-sse.h>

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *input,
                            size_t        size);

typedef struct
{
  char *type;
  GBytes *data;
  char *id;
} Record;

typedef struct
{
  const char *name;
  GArray *records;
  gint64 retry;
  char *last_event_id;
  gboolean too_large;
} Outcome;

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

#define CHECK(condition) \
  G_STMT_START { \
    if (!(condition)) \
      fail ("%s:%d: check failed: %s", __FILE__, __LINE__, #condition); \
  } G_STMT_END

static void
record_clear (Record *record)
{
  g_free (record->type);
  g_bytes_unref (record->data);
  g_free (record->id);
}

static void
outcome_init (Outcome    *outcome,
              const char *name)
{
  outcome->name = name;
  outcome->records = g_array_new (FALSE, FALSE, sizeof (Record));
  g_array_set_clear_func (outcome->records, (GDestroyNotify) record_clear);
  outcome->retry = -1;
  outcome->last_event_id = g_strdup ("");
  outcome->too_large = FALSE;
}

static void
outcome_clear (Outcome *outcome)
{
  g_array_unref (outcome->records);
  g_free (outcome->last_event_id);
}

static void
outcome_add (Outcome    *outcome,
             const char *type,
             GBytes     *data,
             const char *id)
{
  Record record = { g_strdup (type), g_bytes_ref (data), g_strdup (id) };

  g_array_append_val (outcome->records, record);
}

static void
print_escaped (const char *label,
               const char *bytes,
               gsize       length)
{
  gsize i;

  fprintf (stderr, "    %s (%" G_GSIZE_FORMAT "): \"", label, length);
  for (i = 0; i < length && i < 200; i++)
    {
      guchar c = bytes[i];

      if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"')
        fputc (c, stderr);
      else
        fprintf (stderr, "\\x%02X", c);
    }
  fprintf (stderr, "%s\"\n", i < length ? "..." : "");
}

static void
print_outcome (const Outcome *outcome)
{
  guint i;

  fprintf (stderr, "  %s: %u events, retry %" G_GINT64_FORMAT ", too large %d\n",
           outcome->name, outcome->records->len, outcome->retry, outcome->too_large);
  print_escaped ("last-event-id", outcome->last_event_id, strlen (outcome->last_event_id));
  for (i = 0; i < outcome->records->len; i++)
    {
      const Record *record = &g_array_index (outcome->records, Record, i);
      gsize length;
      const char *data = g_bytes_get_data (record->data, &length);

      fprintf (stderr, "  event %u\n", i);
      print_escaped ("type", record->type, strlen (record->type));
      print_escaped ("data", data, length);
      print_escaped ("id", record->id, strlen (record->id));
    }
}

static gboolean
outcomes_equal (const Outcome *a,
                const Outcome *b)
{
  guint i;

  if (a->records->len != b->records->len ||
      a->retry != b->retry ||
      strcmp (a->last_event_id, b->last_event_id) != 0 ||
      a->too_large != b->too_large)
    return FALSE;

  for (i = 0; i < a->records->len; i++)
    {
      const Record *ra = &g_array_index (a->records, Record, i);
      const Record *rb = &g_array_index (b->records, Record, i);

      if (strcmp (ra->type, rb->type) != 0 ||
          !g_bytes_equal (ra->data, rb->data) ||
          strcmp (ra->id, rb->id) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
check_outcomes_equal (const Outcome *a,
                      const Outcome *b,
                      guint64        max_event_size)
{
  if (outcomes_equal (a, b))
    return;

  fprintf (stderr, "MISMATCH with max-event-size %" G_GUINT64_FORMAT ":\n", max_event_size);
  print_outcome (a);
  print_outcome (b);
  abort ();
}

/* The parser, fed whole or in chunks */

static void
on_event (McpSseEventParser *parser,
          McpSseEvent       *event,
          Outcome           *outcome)
{
  GBytes *data = mcp_sse_event_get_data_bytes (event);
  const char *text = mcp_sse_event_get_data (event);
  gsize length;
  const char *bytes = g_bytes_get_data (data, &length);
  const char *nul = length > 0 ? memchr (bytes, '\0', length) : NULL;

  /* The C string is the data up to its first NUL. */
  CHECK (strlen (text) == (nul != NULL ? (gsize) (nul - bytes) : length));
  CHECK (length == 0 || memcmp (text, bytes, strlen (text)) == 0);

  outcome_add (outcome, mcp_sse_event_get_event_type (event), data,
               mcp_sse_event_get_id (event));
}

/* A small generator of chunk sizes: xorshift32. */
static guint32
next_random (guint32 *state)
{
  guint32 x = *state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

static void
feed_stream (McpSseEventParser *parser,
             const guint8      *stream,
             gsize              length,
             guint8             seed,
             gboolean           chunked,
             Outcome           *outcome)
{
  guint32 state = 0x9E3779B9u ^ (seed * 0x01000193u);
  guint32 max_chunk = 1u << (seed % 9);
  gsize offset = 0;

  while (offset < length)
    {
      GError *error = NULL;
      gsize n = length - offset;

      if (chunked)
        {
          guint32 r = next_random (&state);

          /* Now and then an empty feed(). */
          n = r % 16 == 0 ? 0 : MIN (n, 1 + (r >> 4) % max_chunk);
        }

      if (mcp_sse_event_parser_feed (parser, stream + offset, n, &error))
        CHECK (error == NULL);
      else
        {
          CHECK (g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE));
          outcome->too_large = TRUE;
          g_error_free (error);
        }
      offset += n;
    }

  mcp_sse_event_parser_end (parser);
}

static void
run_parser (const guint8 *stream,
            gsize         length,
            guint64       max_event_size,
            guint8        seed,
            gboolean      chunked,
            Outcome      *outcome)
{
  McpSseEventParser *parser = mcp_sse_event_parser_new ();
  guint pass;

  mcp_sse_event_parser_set_max_event_size (parser, max_event_size);
  g_signal_connect (parser, "event", G_CALLBACK (on_event), outcome);

  for (pass = 0; pass < 2; pass++)
    feed_stream (parser, stream, length, seed + pass, chunked, outcome);

  outcome->retry = mcp_sse_event_parser_get_retry (parser);
  g_free (outcome->last_event_id);
  outcome->last_event_id = g_strdup (mcp_sse_event_parser_get_last_event_id (parser));

  g_object_unref (parser);
}

/* The reference model: the WHATWG rules applied line by line to the whole
 * stream, plus the size rule (decoded data plus the raw current line). */

typedef struct
{
  guint64 max_event_size;
  GString *data;        /* empty while no data field was seen */
  GString *type;        /* empty: "message" */
  char *id_buffer;
  char *last_event_id;
  gint64 retry;
  gboolean dropping;
} Model;

static void
append_code_point (GString *out,
                   gunichar code_point)
{
  char buffer[6];

  g_string_append_len (out, buffer, g_unichar_to_utf8 (code_point, buffer));
}

/* The UTF-8 decoder of the WHATWG Encoding Standard, step by step. */
static void
whatwg_utf8_decode (const guint8 *bytes,
                    gsize         length,
                    GString      *out)
{
  gunichar code_point = 0;
  guint bytes_seen = 0, bytes_needed = 0;
  guint8 lower = 0x80, upper = 0xBF;
  gsize i = 0;

  g_string_truncate (out, 0);

  for (;;)
    {
      guint8 byte;

      if (i == length)
        {
          if (bytes_needed != 0)
            append_code_point (out, 0xFFFD);
          return;
        }

      byte = bytes[i];

      if (bytes_needed == 0)
        {
          i++;
          if (byte <= 0x7F)
            g_string_append_c (out, byte);
          else if (byte >= 0xC2 && byte <= 0xDF)
            {
              bytes_needed = 1;
              code_point = byte & 0x1F;
            }
          else if (byte >= 0xE0 && byte <= 0xEF)
            {
              if (byte == 0xE0)
                lower = 0xA0;
              if (byte == 0xED)
                upper = 0x9F;
              bytes_needed = 2;
              code_point = byte & 0xF;
            }
          else if (byte >= 0xF0 && byte <= 0xF4)
            {
              if (byte == 0xF0)
                lower = 0x90;
              if (byte == 0xF4)
                upper = 0x8F;
              bytes_needed = 3;
              code_point = byte & 0x7;
            }
          else
            append_code_point (out, 0xFFFD);
          continue;
        }

      if (byte < lower || byte > upper)
        {
          /* The byte is not consumed: it starts the next sequence. */
          code_point = bytes_needed = bytes_seen = 0;
          lower = 0x80;
          upper = 0xBF;
          append_code_point (out, 0xFFFD);
          continue;
        }

      i++;
      lower = 0x80;
      upper = 0xBF;
      code_point = (code_point << 6) | (byte & 0x3F);
      bytes_seen++;
      if (bytes_seen != bytes_needed)
        continue;

      append_code_point (out, code_point);
      code_point = bytes_needed = bytes_seen = 0;
    }
}

static gboolean
model_exceeds (Model *model,
               gsize  line_length)
{
  return model->max_event_size != 0 &&
         model->data->len + line_length > model->max_event_size;
}

static void
model_drop (Model   *model,
            Outcome *outcome)
{
  g_string_truncate (model->data, 0);
  if (!model->dropping)
    outcome->too_large = TRUE;
  model->dropping = TRUE;
}

static void
model_dispatch (Model   *model,
                Outcome *outcome)
{
  g_free (model->last_event_id);
  model->last_event_id = g_strdup (model->id_buffer);

  if (!model->dropping && model->data->len > 0)
    {
      g_autoptr(GBytes) data = g_bytes_new (model->data->str, model->data->len - 1);

      outcome_add (outcome, model->type->len > 0 ? model->type->str : "message",
                   data, model->last_event_id);
    }

  model->dropping = FALSE;
  g_string_truncate (model->data, 0);
  g_string_truncate (model->type, 0);
}

static gboolean
name_is (const guint8 *name,
         gsize         length,
         const char   *field)
{
  return length == strlen (field) && memcmp (name, field, length) == 0;
}

static void
model_line (Model        *model,
            const guint8 *line,
            gsize         length,
            Outcome      *outcome)
{
  const guint8 *colon, *value;
  gsize name_length, value_length;
  g_autoptr(GString) decoded = g_string_new (NULL);

  if (length == 0)
    {
      model_dispatch (model, outcome);
      return;
    }

  if (model_exceeds (model, length))
    {
      model_drop (model, outcome);
      return;
    }

  if (line[0] == ':')
    return;

  colon = memchr (line, ':', length);
  name_length = colon != NULL ? (gsize) (colon - line) : length;
  value = colon != NULL ? colon + 1 : line + length;
  value_length = length - (value - line);
  if (value_length > 0 && value[0] == ' ')
    {
      value++;
      value_length--;
    }

  if (name_is (line, name_length, "data"))
    {
      if (model->dropping)
        return;
      whatwg_utf8_decode (value, value_length, decoded);
      g_string_append_len (model->data, decoded->str, decoded->len);
      g_string_append_c (model->data, '\n');
      if (model_exceeds (model, 0))
        model_drop (model, outcome);
    }
  else if (name_is (line, name_length, "event"))
    {
      whatwg_utf8_decode (value, value_length, decoded);
      g_string_assign (model->type, "");
      g_string_append_len (model->type, decoded->str, decoded->len);
    }
  else if (name_is (line, name_length, "id"))
    {
      if (memchr (value, '\0', value_length) != NULL)
        return;
      whatwg_utf8_decode (value, value_length, decoded);
      g_free (model->id_buffer);
      model->id_buffer = g_strndup (decoded->str, decoded->len);
    }
  else if (name_is (line, name_length, "retry"))
    {
      g_autofree char *digits = g_strndup ((const char *) value, value_length);
      guint64 retry;
      gsize i;

      if (value_length == 0)
        return;
      for (i = 0; i < value_length; i++)
        if (!g_ascii_isdigit (value[i]))
          return;
      if (g_ascii_string_to_unsigned (digits, 10, 0, G_MAXINT64, &retry, NULL))
        model->retry = retry;
    }
}

static void
model_stream (Model        *model,
              const guint8 *stream,
              gsize         length,
              Outcome      *outcome)
{
  static const guint8 bom[] = { 0xEF, 0xBB, 0xBF };
  gsize position = 0;

  if (length >= 3 && memcmp (stream, bom, 3) == 0)
    position = 3;

  while (position < length)
    {
      gsize end = position;

      while (end < length && stream[end] != '\r' && stream[end] != '\n')
        end++;

      if (end == length)
        {
          /* The unterminated last line is discarded, but it was still too
           * long if it was; the start of a BOM is not a line yet. */
          gboolean bom_prefix = length < 3 && memcmp (stream, bom, length) == 0;

          if (!bom_prefix && model_exceeds (model, length - position))
            model_drop (model, outcome);
          break;
        }

      model_line (model, stream + position, end - position, outcome);
      position = end + 1;
      if (stream[end] == '\r' && position < length && stream[position] == '\n')
        position++;
    }

  /* The end of the stream discards the pending event. */
  g_string_truncate (model->data, 0);
  g_string_truncate (model->type, 0);
  model->dropping = FALSE;
  g_free (model->id_buffer);
  model->id_buffer = g_strdup (model->last_event_id);
}

static void
run_model (const guint8 *stream,
           gsize         length,
           guint64       max_event_size,
           Outcome      *outcome)
{
  Model model = {
    max_event_size, g_string_new (NULL), g_string_new (NULL),
    g_strdup (""), g_strdup (""), -1, FALSE,
  };
  guint pass;

  for (pass = 0; pass < 2; pass++)
    model_stream (&model, stream, length, outcome);

  outcome->retry = model.retry;
  g_free (outcome->last_event_id);
  outcome->last_event_id = g_steal_pointer (&model.last_event_id);

  g_string_free (model.data, TRUE);
  g_string_free (model.type, TRUE);
  g_free (model.id_buffer);
}

static void
check_stream (const guint8 *stream,
              gsize         length,
              guint64       max_event_size,
              guint8        seed)
{
  Outcome whole, chunked, model;

  outcome_init (&whole, "whole");
  outcome_init (&chunked, "chunked");
  outcome_init (&model, "model");

  run_parser (stream, length, max_event_size, seed, FALSE, &whole);
  run_parser (stream, length, max_event_size, seed, TRUE, &chunked);
  run_model (stream, length, max_event_size, &model);

  check_outcomes_equal (&whole, &chunked, max_event_size);
  check_outcomes_equal (&whole, &model, max_event_size);

  outcome_clear (&whole);
  outcome_clear (&chunked);
  outcome_clear (&model);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical or a warning from the library is a finding. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *input,
                        size_t        size)
{
  if (size < 2)
    return 0;

  check_stream (input + 2, size - 2, 0, input[0]);
  check_stream (input + 2, size - 2, 1 + (guint64) input[1], input[0]);

  return 0;
}
