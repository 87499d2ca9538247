/* mcp-sse-event-parser.c: an incremental text/event-stream decoder
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-error.h"
#include "mcp-sse-event-parser-private.h"
#include "mcp-sse-event-private.h"

/**
 * McpSseEventParser:
 *
 * An incremental decoder of `text/event-stream` bodies.
 *
 * The parser follows the rules of the WHATWG HTML standard, section
 * "Server-sent events", for any split of the stream into chunks: a leading
 * byte order mark is skipped, lines end at CR, LF or CRLF (also when a CR
 * ends one chunk and the LF starts the next), the bytes are decoded as
 * UTF-8 with U+FFFD for every ill-formed sequence, and the `data`, `event`,
 * `id` and `retry` fields build the events that [signal@EventParser::event]
 * hands out at every blank line.
 *
 * ```c
 * static void
 * on_event (McpSseEventParser *parser,
 *           McpSseEvent       *event,
 *           gpointer           user_data)
 * {
 *   g_print ("%s: %s\n", mcp_sse_event_get_event_type (event),
 *            mcp_sse_event_get_data (event));
 * }
 *
 * parser = mcp_sse_event_parser_new ();
 * g_signal_connect (parser, "event", G_CALLBACK (on_event), NULL);
 * mcp_sse_event_parser_feed (parser, chunk, chunk_length, &error);
 * ```
 *
 * Memory is bounded by [property@EventParser:max-event-size]: no event
 * and no line longer than that is ever held whole.
 *
 * Since: 1.0
 */

/* Where feed() keeps what must outlive a handler that finalizes the parser. */
typedef struct
{
  gboolean alive;
  gboolean too_large;
} FeedState;

struct _McpSseEventParser
{
  GObject parent_instance;

  GString *line;            /* a line that straddles chunks; empty when none */
  GString *scratch;         /* a field value after U+FFFD repair */
  GString *data;            /* the data buffer; NULL while empty */
  char *event_type;         /* GRefString; NULL while the type buffer is empty */
  char *id_buffer;          /* GRefString: the last event ID buffer */
  char *last_event_id;      /* GRefString: the last event ID string */
  gint64 retry;
  guint64 max_event_size;

  FeedState *feed_state;    /* non-NULL while feed() runs */
  McpSseEventFunc event_func;  /* replaces ::event when set */
  gpointer event_func_data;

  guint bom_matched : 2;    /* bytes of a leading BOM seen so far */
  guint at_stream_start : 1;
  guint skip_lf : 1;        /* the last chunk ended in CR */
  guint skipping_line : 1;  /* the current line is too large: drop it to its end */
  guint dropping_event : 1; /* the current event is too large: drop it */
  guint notify_last_event_id : 1;
  guint notify_retry : 1;
};

enum {
  PROP_0,
  PROP_LAST_EVENT_ID,
  PROP_RETRY,
  PROP_MAX_EVENT_SIZE,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Shared GRefStrings, interned once and never released. */
static char *message_type;
static char *empty_id;

G_DEFINE_FINAL_TYPE (McpSseEventParser, mcp_sse_event_parser, G_TYPE_OBJECT)

/* UTF-8 as the WHATWG Encoding Standard decodes it. */

/* Returns the length of the well-formed sequence that starts with a
 * non-ASCII byte at @s, or 0 when it is ill-formed; then *subpart is the
 * length of its maximal subpart, which one U+FFFD replaces. */
static inline gsize
utf8_sequence (const guchar *s,
               gsize         avail,
               gsize        *subpart)
{
  guchar lead = s[0];
  guchar lower = 0x80, upper = 0xBF;
  gsize needed, i;

  if (lead >= 0xC2 && lead <= 0xDF)
    needed = 1;
  else if (lead >= 0xE0 && lead <= 0xEF)
    {
      needed = 2;
      if (lead == 0xE0)
        lower = 0xA0;
      else if (lead == 0xED)
        upper = 0x9F;
    }
  else if (lead >= 0xF0 && lead <= 0xF4)
    {
      needed = 3;
      if (lead == 0xF0)
        lower = 0x90;
      else if (lead == 0xF4)
        upper = 0x8F;
    }
  else
    {
      *subpart = 1;
      return 0;
    }

  for (i = 1; i <= needed; i++)
    {
      if (i >= avail || s[i] < lower || s[i] > upper)
        {
          *subpart = i;
          return 0;
        }
      lower = 0x80;
      upper = 0xBF;
    }

  return needed + 1;
}

#define ASCII_MASK G_GUINT64_CONSTANT (0x8080808080808080)

static gboolean
utf8_is_valid (const char *text,
               gsize       length)
{
  const guchar *s = (const guchar *) text;
  const guchar *end = s + length;

  while (s < end)
    {
      gsize sequence, subpart;

      while (end - s >= 8)
        {
          guint64 word;

          memcpy (&word, s, sizeof word);
          if (word & ASCII_MASK)
            break;
          s += 8;
        }

      while (s < end && *s < 0x80)
        s++;
      if (s == end)
        break;

      sequence = utf8_sequence (s, end - s, &subpart);
      if (sequence == 0)
        return FALSE;
      s += sequence;
    }

  return TRUE;
}

/* Decodes @text into @out, one U+FFFD for each maximal subpart of an
 * ill-formed sequence. */
static void
utf8_repair (GString    *out,
             const char *text,
             gsize       length)
{
  const guchar *s = (const guchar *) text;
  gsize i = 0;

  g_string_truncate (out, 0);

  while (i < length)
    {
      gsize start = i, sequence, subpart;

      while (i < length && s[i] < 0x80)
        i++;
      g_string_append_len (out, text + start, i - start);
      if (i == length)
        break;

      sequence = utf8_sequence (s + i, length - i, &subpart);
      if (sequence > 0)
        {
          g_string_append_len (out, text + i, sequence);
          i += sequence;
        }
      else
        {
          g_string_append_len (out, "\xEF\xBF\xBD", 3);
          i += subpart;
        }
    }
}

/* Returns @value as valid UTF-8: itself, or its repair in self->scratch. */
static const char *
decode_value (McpSseEventParser *self,
              const char        *value,
              gsize             *length)
{
  if (G_LIKELY (utf8_is_valid (value, *length)))
    return value;

  utf8_repair (self->scratch, value, *length);
  *length = self->scratch->len;
  return self->scratch->str;
}

/* Field handling */

static gsize
data_length (McpSseEventParser *self)
{
  return self->data != NULL ? self->data->len : 0;
}

static gboolean
exceeds_max_event_size (McpSseEventParser *self,
                        gsize              line_length)
{
  return self->max_event_size != 0 &&
         (guint64) data_length (self) + line_length > self->max_event_size;
}

static void
drop_event (McpSseEventParser *self)
{
  if (self->data != NULL)
    {
      g_string_free (self->data, TRUE);
      self->data = NULL;
    }

  if (!self->dropping_event)
    {
      self->dropping_event = TRUE;
      self->feed_state->too_large = TRUE;
    }
}

/* A value at least this long that was buffered across chunks becomes the
 * data buffer itself rather than being copied: a large event then costs
 * one copy of its bytes, not two, and the parser does not keep a line
 * buffer as large as its largest event. A fuzzing build lowers the bound
 * so that small inputs reach this path. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
# define LINE_HANDOVER_MIN 8
#else
# define LINE_HANDOVER_MIN (64 * 1024)
#endif

static gboolean
is_in_line_buffer (McpSseEventParser *self,
                   const char        *value)
{
  return value >= self->line->str && value < self->line->str + self->line->len;
}

/* Turns the line buffer, which holds @value, into the data buffer. */
static void
hand_line_over_as_data (McpSseEventParser *self,
                        const char        *value,
                        gsize              length)
{
  GString *line = g_steal_pointer (&self->line);

  memmove (line->str, value, length);
  g_string_truncate (line, length);
  self->data = line;
  self->line = g_string_new (NULL);
}

static void
take_data_field (McpSseEventParser *self,
                 const char        *value,
                 gsize              length)
{
  if (self->dropping_event)
    return;

  value = decode_value (self, value, &length);

  if (self->data == NULL && length >= LINE_HANDOVER_MIN && is_in_line_buffer (self, value))
    hand_line_over_as_data (self, value, length);
  else
    {
      if (self->data == NULL)
        self->data = g_string_sized_new (length + 1);
      g_string_append_len (self->data, value, length);
    }
  g_string_append_c (self->data, '\n');

  if (exceeds_max_event_size (self, 0))
    drop_event (self);
}

static void
take_event_field (McpSseEventParser *self,
                  const char        *value,
                  gsize              length)
{
  value = decode_value (self, value, &length);

  g_clear_pointer (&self->event_type, g_ref_string_release);
  if (length == 7 && memcmp (value, "message", 7) == 0)
    self->event_type = g_ref_string_acquire (message_type);
  else if (length > 0)
    self->event_type = g_ref_string_new_len (value, length);
}

static void
take_id_field (McpSseEventParser *self,
               const char        *value,
               gsize              length)
{
  if (memchr (value, '\0', length) != NULL)
    return;

  value = decode_value (self, value, &length);

  if (g_ref_string_length (self->id_buffer) == length &&
      memcmp (self->id_buffer, value, length) == 0)
    return;

  g_ref_string_release (self->id_buffer);
  self->id_buffer = length > 0 ? g_ref_string_new_len (value, length)
                               : g_ref_string_acquire (empty_id);
}

static void
take_retry_field (McpSseEventParser *self,
                  const char        *value,
                  gsize              length)
{
  gint64 retry = 0;
  gsize i;

  if (length == 0)
    return;

  for (i = 0; i < length; i++)
    {
      int digit = value[i] - '0';

      if (digit < 0 || digit > 9)
        return;
      if (retry > (G_MAXINT64 - digit) / 10)
        return;
      retry = retry * 10 + digit;
    }

  if (retry != self->retry)
    {
      self->retry = retry;
      self->notify_retry = TRUE;
    }
}

static void
update_last_event_id (McpSseEventParser *self)
{
  if (self->id_buffer == self->last_event_id)
    return;

  if (strcmp (self->id_buffer, self->last_event_id) != 0)
    self->notify_last_event_id = TRUE;

  g_ref_string_release (self->last_event_id);
  self->last_event_id = g_ref_string_acquire (self->id_buffer);
}

static void
dispatch_event (McpSseEventParser *self)
{
  McpSseEvent *event;
  char *event_type;
  char *data;
  gsize length;

  update_last_event_id (self);

  event_type = g_steal_pointer (&self->event_type);
  if (event_type == NULL)
    event_type = g_ref_string_acquire (message_type);

  if (self->data == NULL || self->dropping_event)
    {
      self->dropping_event = FALSE;
      g_ref_string_release (event_type);
      return;
    }

  /* The data buffer ends in LF: that byte becomes the terminating NUL. */
  length = self->data->len - 1;
  self->data->str[length] = '\0';
  data = g_string_free (g_steal_pointer (&self->data), FALSE);

  event = mcp_sse_event_new_take (event_type,
                                  g_ref_string_acquire (self->last_event_id),
                                  data, length);
  if (self->event_func != NULL)
    self->event_func (event, self->event_func_data);
  else
    g_signal_emit (self, signals[EVENT], 0, event);
  mcp_sse_event_unref (event);
}

static gboolean
field_is (const char *name,
          gsize       name_length,
          const char *field)
{
  return strlen (field) == name_length && memcmp (name, field, name_length) == 0;
}

/* Interprets one complete line; may emit ::event, which may finalize self. */
static void
process_line (McpSseEventParser *self,
              const char        *line,
              gsize              length)
{
  const char *colon, *value;
  gsize name_length, value_length;

  if (length == 0)
    {
      dispatch_event (self);
      return;
    }

  if (exceeds_max_event_size (self, length))
    {
      drop_event (self);
      return;
    }

  if (line[0] == ':')
    return;

  colon = memchr (line, ':', length);
  if (colon != NULL)
    {
      name_length = colon - line;
      value = colon + 1;
      value_length = length - name_length - 1;
      if (value_length > 0 && value[0] == ' ')
        {
          value++;
          value_length--;
        }
    }
  else
    {
      name_length = length;
      value = line + length;
      value_length = 0;
    }

  if (field_is (line, name_length, "data"))
    take_data_field (self, value, value_length);
  else if (field_is (line, name_length, "event"))
    take_event_field (self, value, value_length);
  else if (field_is (line, name_length, "id"))
    take_id_field (self, value, value_length);
  else if (field_is (line, name_length, "retry"))
    take_retry_field (self, value, value_length);
}

/* Keeps the start of a line that the chunk does not finish. */
static void
take_partial_line (McpSseEventParser *self,
                   const char        *bytes,
                   gsize              length)
{
  if (self->skipping_line)
    return;

  if (exceeds_max_event_size (self, self->line->len + length))
    {
      drop_event (self);
      g_string_truncate (self->line, 0);
      self->skipping_line = TRUE;
      return;
    }

  g_string_append_len (self->line, bytes, length);
}

/* Skips a leading byte order mark, which may be split across chunks. */
static const char *
skip_bom (McpSseEventParser *self,
          const char        *p,
          const char        *end)
{
  static const char bom[] = "\xEF\xBB\xBF";

  while (p < end && self->bom_matched < 3)
    {
      if (*p != bom[self->bom_matched])
        {
          /* Not a BOM: what looked like one starts the first line. */
          g_string_append_len (self->line, bom, self->bom_matched);
          break;
        }
      self->bom_matched++;
      p++;
    }

  if (p < end || self->bom_matched == 3)
    {
      self->at_stream_start = FALSE;
      self->bom_matched = 0;
    }

  return p;
}

/* Finds line ends with two cached memchr() scans, so that a chunk is
 * scanned at most once for each of CR and LF. */
typedef struct
{
  const char *end;
  const char *next_cr;
  const char *next_lf;
} LineScanner;

static inline const char *
find_byte (const char *p,
           const char *end,
           char        byte)
{
  const char *found = memchr (p, byte, end - p);

  return found != NULL ? found : end;
}

static inline const char *
line_scanner_next (LineScanner *scanner,
                   const char  *p)
{
  if (scanner->next_lf == NULL || scanner->next_lf < p)
    scanner->next_lf = find_byte (p, scanner->end, '\n');
  if (scanner->next_cr == NULL || scanner->next_cr < p)
    scanner->next_cr = find_byte (p, scanner->end, '\r');

  return MIN (scanner->next_cr, scanner->next_lf);
}

static void
emit_pending_notifies (McpSseEventParser *self,
                       FeedState         *state)
{
  if (self->notify_last_event_id)
    {
      self->notify_last_event_id = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_EVENT_ID]);
    }

  if (state->alive && self->notify_retry)
    {
      self->notify_retry = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY]);
    }
}

/**
 * mcp_sse_event_parser_feed:
 * @self: a parser
 * @data: (array length=length): the next bytes of the stream
 * @length: the number of bytes in @data
 * @error: return location for a #GError
 *
 * Consumes all of @data and emits [signal@EventParser::event] for every
 * event it completes, in stream order.
 *
 * When an event's data plus its current line grows past
 * [property@EventParser:max-event-size], that event is dropped without
 * ever being held whole and parsing goes on with the next event; every
 * other event is still emitted, and the call then fails with
 * %MCP_SSE_ERROR_EVENT_TOO_LARGE (once, however many events were dropped).
 *
 * A handler may drop the last reference to the parser; the call then
 * returns at once. It must not call feed(), end() or reset() itself.
 *
 * Returns: %TRUE, or %FALSE with @error set when an event was too large
 *
 * Since: 1.0
 */
gboolean
mcp_sse_event_parser_feed (McpSseEventParser  *self,
                           const guint8       *data,
                           gsize               length,
                           GError            **error)
{
  FeedState state = { TRUE, FALSE };
  const char *p = (const char *) data;
  const char *end = p + length;
  LineScanner scanner = { end, NULL, NULL };

  g_return_val_if_fail (MCP_SSE_IS_EVENT_PARSER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (self->feed_state == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length == 0)
    return TRUE;

  self->feed_state = &state;

  if (self->skip_lf)
    {
      self->skip_lf = FALSE;
      if (*p == '\n')
        p++;
    }

  if (self->at_stream_start)
    p = skip_bom (self, p, end);

  while (p < end)
    {
      const char *eol = line_scanner_next (&scanner, p);

      if (eol == end)
        {
          take_partial_line (self, p, end - p);
          break;
        }

      if (self->skipping_line)
        self->skipping_line = FALSE;
      else if (self->line->len > 0)
        {
          /* A buffered line is never blank, so this never emits. */
          g_string_append_len (self->line, p, eol - p);
          process_line (self, self->line->str, self->line->len);
          g_string_truncate (self->line, 0);
        }
      else
        {
          process_line (self, p, eol - p);
          if (!state.alive)
            break;
        }

      p = eol + 1;
      if (*eol == '\r')
        {
          if (p == end)
            self->skip_lf = TRUE;
          else if (*p == '\n')
            p++;
        }
    }

  if (state.alive)
    emit_pending_notifies (self, &state);
  if (state.alive)
    self->feed_state = NULL;

  if (state.too_large)
    {
      g_set_error_literal (error, MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE,
                           "An event was larger than the maximum event size");
      return FALSE;
    }

  return TRUE;
}

static void
discard_stream (McpSseEventParser *self)
{
  g_string_truncate (self->line, 0);
  if (self->data != NULL)
    {
      g_string_free (self->data, TRUE);
      self->data = NULL;
    }
  g_clear_pointer (&self->event_type, g_ref_string_release);
  g_ref_string_release (self->id_buffer);
  self->id_buffer = g_ref_string_acquire (self->last_event_id);

  self->bom_matched = 0;
  self->at_stream_start = TRUE;
  self->skip_lf = FALSE;
  self->skipping_line = FALSE;
  self->dropping_event = FALSE;
}

/**
 * mcp_sse_event_parser_end:
 * @self: a parser
 *
 * Tells the parser that the stream ended. The unterminated line and the
 * event that was being built, including an `id` set inside it, are
 * discarded. The next [method@EventParser.feed] starts a new stream (a
 * leading byte order mark is skipped again); the last event ID and the
 * retry time survive, as across an EventSource reconnection.
 *
 * Since: 1.0
 */
void
mcp_sse_event_parser_end (McpSseEventParser *self)
{
  g_return_if_fail (MCP_SSE_IS_EVENT_PARSER (self));
  g_return_if_fail (self->feed_state == NULL);

  discard_stream (self);
}

/**
 * mcp_sse_event_parser_reset:
 * @self: a parser
 *
 * Brings the parser back to the state of a new one, except for
 * [property@EventParser:max-event-size], which is configuration and stays.
 *
 * Since: 1.0
 */
void
mcp_sse_event_parser_reset (McpSseEventParser *self)
{
  g_return_if_fail (MCP_SSE_IS_EVENT_PARSER (self));
  g_return_if_fail (self->feed_state == NULL);

  discard_stream (self);

  g_object_freeze_notify (G_OBJECT (self));

  if (*self->last_event_id != '\0')
    {
      g_ref_string_release (self->last_event_id);
      g_ref_string_release (self->id_buffer);
      self->last_event_id = g_ref_string_acquire (empty_id);
      self->id_buffer = g_ref_string_acquire (empty_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_EVENT_ID]);
    }

  if (self->retry != -1)
    {
      self->retry = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * mcp_sse_event_parser_get_last_event_id:
 * @self: a parser
 *
 * Gets [property@EventParser:last-event-id].
 *
 * Returns: the last event ID, `""` when there is none
 *
 * Since: 1.0
 */
const char *
mcp_sse_event_parser_get_last_event_id (McpSseEventParser *self)
{
  g_return_val_if_fail (MCP_SSE_IS_EVENT_PARSER (self), NULL);

  return self->last_event_id;
}

/**
 * mcp_sse_event_parser_get_retry:
 * @self: a parser
 *
 * Gets [property@EventParser:retry].
 *
 * Returns: the reconnection time in milliseconds, or -1
 *
 * Since: 1.0
 */
gint64
mcp_sse_event_parser_get_retry (McpSseEventParser *self)
{
  g_return_val_if_fail (MCP_SSE_IS_EVENT_PARSER (self), -1);

  return self->retry;
}

/**
 * mcp_sse_event_parser_get_max_event_size:
 * @self: a parser
 *
 * Gets [property@EventParser:max-event-size].
 *
 * Returns: the largest event in bytes, 0 for no limit
 *
 * Since: 1.0
 */
guint64
mcp_sse_event_parser_get_max_event_size (McpSseEventParser *self)
{
  g_return_val_if_fail (MCP_SSE_IS_EVENT_PARSER (self), 0);

  return self->max_event_size;
}

/**
 * mcp_sse_event_parser_set_max_event_size:
 * @self: a parser
 * @max_event_size: the largest event in bytes, 0 for no limit
 *
 * Sets [property@EventParser:max-event-size].
 *
 * Since: 1.0
 */
void
mcp_sse_event_parser_set_max_event_size (McpSseEventParser *self,
                                         guint64            max_event_size)
{
  g_return_if_fail (MCP_SSE_IS_EVENT_PARSER (self));

  if (self->max_event_size == max_event_size)
    return;

  self->max_event_size = max_event_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_EVENT_SIZE]);
}

/**
 * mcp_sse_event_parser_new:
 *
 * Creates a parser at the start of a stream.
 *
 * Returns: (transfer full): a new parser
 *
 * Since: 1.0
 */
McpSseEventParser *
mcp_sse_event_parser_new (void)
{
  return g_object_new (MCP_SSE_TYPE_EVENT_PARSER, NULL);
}

static void
mcp_sse_event_parser_finalize (GObject *object)
{
  McpSseEventParser *self = MCP_SSE_EVENT_PARSER (object);

  if (self->feed_state != NULL)
    self->feed_state->alive = FALSE;

  g_string_free (self->line, TRUE);
  g_string_free (self->scratch, TRUE);
  if (self->data != NULL)
    g_string_free (self->data, TRUE);
  g_clear_pointer (&self->event_type, g_ref_string_release);
  g_ref_string_release (self->id_buffer);
  g_ref_string_release (self->last_event_id);

  G_OBJECT_CLASS (mcp_sse_event_parser_parent_class)->finalize (object);
}

static void
mcp_sse_event_parser_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  McpSseEventParser *self = MCP_SSE_EVENT_PARSER (object);

  switch (prop_id)
    {
    case PROP_LAST_EVENT_ID:
      g_value_set_string (value, self->last_event_id);
      break;

    case PROP_RETRY:
      g_value_set_int64 (value, self->retry);
      break;

    case PROP_MAX_EVENT_SIZE:
      g_value_set_uint64 (value, self->max_event_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_event_parser_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  McpSseEventParser *self = MCP_SSE_EVENT_PARSER (object);

  switch (prop_id)
    {
    case PROP_MAX_EVENT_SIZE:
      mcp_sse_event_parser_set_max_event_size (self, g_value_get_uint64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_event_parser_class_init (McpSseEventParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mcp_sse_event_parser_finalize;
  object_class->get_property = mcp_sse_event_parser_get_property;
  object_class->set_property = mcp_sse_event_parser_set_property;

  message_type = g_ref_string_new_intern ("message");
  empty_id = g_ref_string_new_intern ("");

  /**
   * McpSseEventParser:last-event-id:
   *
   * The last event ID string of the stream: the value of the last `id`
   * field of a complete event, `""` when there is none. Never %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_LAST_EVENT_ID] =
    g_param_spec_string ("last-event-id", NULL, NULL,
                         "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseEventParser:retry:
   *
   * The reconnection time in milliseconds from the last valid `retry`
   * field, or -1 while there was none. A value that does not fit in a
   * #gint64 is ignored.
   *
   * Since: 1.0
   */
  properties[PROP_RETRY] =
    g_param_spec_int64 ("retry", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseEventParser:max-event-size:
   *
   * The largest event, in bytes of decoded data, that the parser builds;
   * 0 means no limit. A line longer than this is never held either: the
   * event it belongs to is dropped.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_EVENT_SIZE] =
    g_param_spec_uint64 ("max-event-size", NULL, NULL,
                         0, G_MAXUINT64, MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * McpSseEventParser::event:
   * @self: the parser
   * @event: the event
   *
   * Emitted for every dispatched event, in stream order. A handler may
   * keep @event (a binding keeps its own reference).
   *
   * Since: 1.0
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  MCP_SSE_TYPE_EVENT);
  g_signal_set_va_marshaller (signals[EVENT],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);
}

static void
mcp_sse_event_parser_init (McpSseEventParser *self)
{
  self->line = g_string_new (NULL);
  self->scratch = g_string_new (NULL);
  self->last_event_id = g_ref_string_acquire (empty_id);
  self->id_buffer = g_ref_string_acquire (empty_id);
  self->retry = -1;
  self->max_event_size = MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE;
  self->at_stream_start = TRUE;
}

void
mcp_sse_event_parser_set_event_func (McpSseEventParser *self,
                                     McpSseEventFunc    func,
                                     gpointer           user_data)
{
  g_return_if_fail (MCP_SSE_IS_EVENT_PARSER (self));

  self->event_func = func;
  self->event_func_data = user_data;
}
