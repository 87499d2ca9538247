/* mcp-sse-event.c: one dispatched Server-Sent Event
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-event-private.h"

/**
 * McpSseEvent:
 *
 * One event dispatched by an [class@EventParser]: its type, its data and
 * the last event ID at the time it was dispatched.
 *
 * Events are immutable and reference counted; they may be kept after the
 * parser that made them is gone.
 *
 * Since: 1.0
 */
struct _McpSseEvent
{
  gatomicrefcount ref_count;
  char *event_type;   /* GRefString */
  char *id;           /* GRefString */
  GBytes *data;       /* always followed by a NUL byte */
};

G_DEFINE_BOXED_TYPE (McpSseEvent, mcp_sse_event, mcp_sse_event_ref, mcp_sse_event_unref)

/*
 * mcp_sse_event_new_take:
 * @event_type: (transfer full): the event type, a #GRefString
 * @id: (transfer full): the last event ID, a #GRefString
 * @data: (transfer full): @length bytes followed by a NUL byte, from g_malloc()
 * @length: the length of the data, without the terminating NUL
 *
 * Makes an event that owns all of its parts, without copying any of them.
 */
McpSseEvent *
mcp_sse_event_new_take (char  *event_type,
                        char  *id,
                        char  *data,
                        gsize  length)
{
  McpSseEvent *event;

  g_assert (data != NULL && data[length] == '\0');

  event = g_new (McpSseEvent, 1);
  g_atomic_ref_count_init (&event->ref_count);
  event->event_type = event_type;
  event->id = id;
  event->data = g_bytes_new_take (data, length);

  return event;
}

/**
 * mcp_sse_event_ref:
 * @event: an event
 *
 * Takes a reference on @event.
 *
 * Returns: (transfer full): @event
 *
 * Since: 1.0
 */
McpSseEvent *
mcp_sse_event_ref (McpSseEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  g_atomic_ref_count_inc (&event->ref_count);
  return event;
}

/**
 * mcp_sse_event_unref:
 * @event: (transfer full): an event
 *
 * Drops a reference on @event, freeing it when it was the last one.
 *
 * Since: 1.0
 */
void
mcp_sse_event_unref (McpSseEvent *event)
{
  g_return_if_fail (event != NULL);

  if (!g_atomic_ref_count_dec (&event->ref_count))
    return;

  g_ref_string_release (event->event_type);
  g_ref_string_release (event->id);
  g_bytes_unref (event->data);
  g_free (event);
}

/**
 * mcp_sse_event_get_event_type:
 * @event: an event
 *
 * Gets the type of the event: the value of its last `event` field, or
 * `"message"` when it had none.
 *
 * Returns: the event type
 *
 * Since: 1.0
 */
const char *
mcp_sse_event_get_event_type (McpSseEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return event->event_type;
}

/**
 * mcp_sse_event_get_data:
 * @event: an event
 *
 * Gets the data of the event as a NUL-terminated UTF-8 string.
 *
 * The data may itself contain U+0000; a C string then ends at the first
 * of them. Use [method@Event.get_data_bytes] to see all of it.
 *
 * Returns: the data of the event
 *
 * Since: 1.0
 */
const char *
mcp_sse_event_get_data (McpSseEvent *event)
{
  const char *data;

  g_return_val_if_fail (event != NULL, NULL);

  data = g_bytes_get_data (event->data, NULL);
  return data != NULL ? data : "";
}

/**
 * mcp_sse_event_get_data_bytes:
 * @event: an event
 *
 * Gets the exact data of the event, which is valid UTF-8 and may contain
 * U+0000.
 *
 * Returns: (transfer none): the data of the event
 *
 * Since: 1.0
 */
GBytes *
mcp_sse_event_get_data_bytes (McpSseEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return event->data;
}

/**
 * mcp_sse_event_get_id:
 * @event: an event
 *
 * Gets the last event ID of the stream at the time the event was
 * dispatched. It is inherited from earlier events when this one had no
 * `id` field.
 *
 * Returns: the last event ID, `""` when there is none
 *
 * Since: 1.0
 */
const char *
mcp_sse_event_get_id (McpSseEvent *event)
{
  g_return_val_if_fail (event != NULL, NULL);

  return event->id;
}
