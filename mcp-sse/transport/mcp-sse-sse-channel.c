/* mcp-sse-sse-channel.c: the HTTP+SSE channel of a connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One GET of the event stream, from the request to the end of the
 * stream: same-origin redirects, the connect and read deadlines, reading
 * and parsing the stream, and the endpoint event, which completes the
 * start. The channel outlives its owner's interest in it: once closed,
 * the operation still pending on it finishes and frees it, without a
 * word to the owner.
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-sources-private.h"
#include "mcp-sse-debug-private.h"
#include "mcp-sse-error.h"
#include "mcp-sse-event-parser-private.h"
#include "mcp-sse-http-policy-private.h"
#include "mcp-sse-json-reader-private.h"
#include "mcp-sse-redact-private.h"
#include "mcp-sse-sse-channel-private.h"

#define MIN_READ_SIZE (4 * 1024)
#define MAX_READ_SIZE (64 * 1024)

struct _McpSseSseChannel
{
  McpSseHttpCore *core;
  const McpSseSseChannelCallbacks *callbacks;
  GObject *owner;                   /* not a reference; NULL once detached */
  SoupMessage *msg;
  GUri *uri;                        /* of the current GET, after redirects */
  GInputStream *stream;
  GCancellable *cancellable;
  McpSseEventParser *parser;
  GTask *start_task;                /* until the endpoint is accepted */
  gulong start_cancelled_id;        /* on the start task's cancellable */
  GSource *connect_deadline;
  GSource *read_deadline;
  GSource *read_source;             /* watches the stream once connected */
  GSocket *socket;                  /* of the GET's connection, if it made one */
  double wanted_read_timeout;       /* the owner's sse-read-timeout */
  double read_timeout;              /* what read_deadline was armed with */
  gint64 last_read;                 /* monotonic time of the last bytes */
  guint8 *buffer;
  gsize buffer_size;
  guint redirects;
  gboolean challenged;              /* the authorizer had its one retry */
  gboolean pollable;                /* stream is a GPollableInputStream that can poll */
};

static void channel_send_get (McpSseSseChannel *channel);
static void channel_read (McpSseSseChannel *channel);

/* Lifetime */

static void
channel_forget_get (McpSseSseChannel *channel)
{
  if (channel->msg != NULL)
    g_signal_handlers_disconnect_by_data (channel->msg, channel);
  g_clear_object (&channel->msg);
  g_clear_object (&channel->socket);
}

static void
channel_clear (McpSseSseChannel *channel)
{
  g_assert (channel->owner == NULL);
  g_assert (channel->start_task == NULL);

  if (channel->stream != NULL)
    {
      mcp_sse_http_close_stream_now (channel->stream);
      g_object_unref (channel->stream);
    }

  mcp_sse_source_clear (&channel->connect_deadline);
  mcp_sse_source_clear (&channel->read_deadline);
  mcp_sse_source_clear (&channel->read_source);
  if (channel->parser != NULL)
    mcp_sse_event_parser_set_event_func (channel->parser, NULL, NULL);
  g_clear_object (&channel->parser);
  channel_forget_get (channel);
  g_clear_pointer (&channel->core, mcp_sse_http_core_unref);
  g_clear_object (&channel->cancellable);
  g_clear_pointer (&channel->uri, g_uri_unref);
  g_free (channel->buffer);
}

static McpSseSseChannel *
channel_ref (McpSseSseChannel *channel)
{
  return g_rc_box_acquire (channel);
}

static void
channel_unref (McpSseSseChannel *channel)
{
  g_rc_box_release_full (channel, (GDestroyNotify) channel_clear);
}

static void
channel_disconnect_start (McpSseSseChannel *channel)
{
  if (channel->start_cancelled_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (channel->start_task),
                              channel->start_cancelled_id);
  channel->start_cancelled_id = 0;
}

/* Cuts the channel loose from its owner and releases the owner's
 * reference. The operation pending on it completes with
 * G_IO_ERROR_CANCELLED and then frees it. */
static void
channel_detach (McpSseSseChannel *channel)
{
  g_assert (channel->owner != NULL);

  channel->owner = NULL;

  g_cancellable_cancel (channel->cancellable);
  if (channel->start_task != NULL)
    channel_disconnect_start (channel);
  mcp_sse_source_clear (&channel->connect_deadline);
  mcp_sse_source_clear (&channel->read_deadline);
  mcp_sse_source_clear (&channel->read_source);

  channel_unref (channel);
}

/* Completes the start of a detached channel: its owner or a cancellation
 * cut it off, so it fails with G_IO_ERROR_CANCELLED unless @error says
 * something else went wrong first. */
static void
channel_finish_detached_start (McpSseSseChannel *channel,
                               GError           *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&channel->start_task);

  if (task == NULL)
    return;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The connection was cancelled");
}

/* Detaches the channel and tells its owner, which forgets it. Detaching
 * may drop the last reference but ours. */
static void
channel_end (McpSseSseChannel *channel,
             const GError     *error)
{
  g_autoptr(GObject) owner = g_object_ref (channel->owner);

  channel_ref (channel);
  channel_detach (channel);
  channel->callbacks->ended (channel, error, owner);
  channel_unref (channel);
}

/* Ends the channel with @error, before or after it connected. */
static void
channel_fail (McpSseSseChannel *channel,
              GError           *error)
{
  g_autoptr(GTask) task = NULL;

  if (channel->start_task != NULL)
    channel_disconnect_start (channel);
  task = g_steal_pointer (&channel->start_task);
  channel_end (channel, error);

  if (task != NULL)
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

/* Deadlines */

static gboolean
on_connect_deadline (gpointer user_data)
{
  McpSseSseChannel *channel = user_data;
  g_autofree char *uri = mcp_sse_redact_uri (channel->uri);

  channel_fail (channel, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                                      "No endpoint from %s within %g s",
                                      uri, mcp_sse_http_core_get_timeout (channel->core)));
  return G_SOURCE_CONTINUE;
}

/* Moving a GSource's ready time wakes its main context up, which costs
 * a write and a read on an eventfd: too much for every read of the
 * stream. So bytes only update last_read, and the deadline, when it
 * fires, moves itself on to the end of the current silence. */
static void
read_deadline_arm (McpSseSseChannel *channel)
{
  channel->read_timeout = channel->wanted_read_timeout;
  mcp_sse_deadline_arm (channel->read_deadline, channel->read_timeout);
}

static void
read_deadline_restart (McpSseSseChannel *channel)
{
  channel->last_read = g_get_monotonic_time ();
  if (channel->read_timeout != channel->wanted_read_timeout)
    read_deadline_arm (channel);
}

static gboolean
on_read_deadline (gpointer user_data)
{
  McpSseSseChannel *channel = user_data;
  gint64 silence_end = channel->last_read + (gint64) (channel->read_timeout * G_USEC_PER_SEC);
  g_autofree char *uri = NULL;

  if (g_get_monotonic_time () < silence_end)
    {
      g_source_set_ready_time (channel->read_deadline, silence_end);
      return G_SOURCE_CONTINUE;
    }

  uri = mcp_sse_redact_uri (channel->uri);
  channel_fail (channel, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_READ_TIMEOUT,
                                      "No data from %s for %g s",
                                      uri, channel->wanted_read_timeout));
  return G_SOURCE_CONTINUE;
}

/* Events */

static gboolean
is_blank (const char *data,
          gsize       length)
{
  gsize i;

  for (i = 0; i < length; i++)
    if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
      return FALSE;

  return TRUE;
}

static void
handle_message (McpSseSseChannel *channel,
                McpSseEvent      *event)
{
  GBytes *bytes = mcp_sse_event_get_data_bytes (event);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GError) error = NULL;

  if (is_blank (data, length))
    return;

  message = mcp_sse_json_reader_read (data, length, &error);
  if (message == NULL)
    channel->callbacks->error (channel, error, channel->owner);
  else
    channel->callbacks->message (channel, message, channel->owner);
}

/* An endpoint is a URI reference: no C0 control character, which
 * GLib would percent-encode into a URI that the server never sent, and
 * no DEL. U+0000 would cut the NUL-terminated data short: "/m\0/evil"
 * is not "/m". */
static GError *
check_endpoint_characters (GBytes *data)
{
  gsize length;
  const guchar *bytes = g_bytes_get_data (data, &length);
  gsize i;

  if (length == 0)
    return g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                                "The endpoint event is empty");

  for (i = 0; i < length; i++)
    if (bytes[i] < 0x20 || bytes[i] == 0x7f)
      return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                          "The endpoint event holds the control character U+%04X at byte %"
                          G_GSIZE_FORMAT ", which no URI reference does",
                          (guint) bytes[i], i);

  return NULL;
}

static GError *
check_endpoint (McpSseSseChannel  *channel,
                McpSseEvent       *event,
                GUri             **endpoint_uri)
{
  GUri *origin = mcp_sse_http_core_get_uri (channel->core);
  const char *data = mcp_sse_event_get_data (event);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *text = NULL;

  error = check_endpoint_characters (mcp_sse_event_get_data_bytes (event));
  if (error != NULL)
    return g_steal_pointer (&error);

  shown = mcp_sse_redact_url (data);
  uri = g_uri_parse_relative (channel->uri, data, MCP_SSE_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                        "The endpoint “%s” is not a URI reference: %s",
                        shown, error->message);

  text = mcp_sse_redact_uri (uri);
  if (!mcp_sse_http_uri_has_server (uri))
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                        "The endpoint “%s” resolves to %s, which has no host or has port 0",
                        shown, text);
  if (!mcp_sse_http_same_origin (origin, uri))
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_ENDPOINT_ORIGIN,
                        "The endpoint “%s” resolves to %s, which is not on the origin of %s",
                        shown, text, mcp_sse_http_core_get_display_url (channel->core));

  *endpoint_uri = g_steal_pointer (&uri);
  return NULL;
}

static void
report_second_endpoint (McpSseSseChannel *channel,
                        McpSseEvent      *event)
{
  g_autofree char *shown = mcp_sse_redact_url (mcp_sse_event_get_data (event));
  g_autoptr(GError) error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                                         "A second endpoint event (“%s”) was ignored", shown);

  channel->callbacks->error (channel, error, channel->owner);
}

static void
handle_endpoint (McpSseSseChannel *channel,
                 McpSseEvent      *event)
{
  g_autoptr(GUri) endpoint_uri = NULL;
  g_autoptr(GTask) task = NULL;
  GError *error;

  if (channel->start_task == NULL)
    {
      report_second_endpoint (channel, event);
      return;
    }

  error = check_endpoint (channel, event, &endpoint_uri);
  if (error != NULL)
    {
      channel_fail (channel, error);
      return;
    }

  mcp_sse_source_clear (&channel->connect_deadline);
  channel_disconnect_start (channel);
  task = g_steal_pointer (&channel->start_task);

  channel->callbacks->connected (channel, endpoint_uri, channel->owner);
  g_task_return_boolean (task, TRUE);
}

static void
on_parser_event (McpSseEvent *event,
                 gpointer     user_data)
{
  McpSseSseChannel *channel = user_data;
  g_autoptr(GObject) owner = NULL;
  const char *type;

  if (channel->owner == NULL)
    return;

  type = mcp_sse_event_get_event_type (event);
  MCP_SSE_NOTE (SSE, "%s: %s event, %" G_GSIZE_FORMAT " bytes",
                mcp_sse_http_core_get_display_url (channel->core), type,
                g_bytes_get_size (mcp_sse_event_get_data_bytes (event)));

  /* The owner's handlers may close the channel or drop the last
   * reference to the owner. */
  owner = g_object_ref (channel->owner);
  channel->callbacks->event (channel, event, owner);
  if (channel->owner != owner)
    return;

  if (strcmp (type, "message") == 0)
    handle_message (channel, event);
  else if (strcmp (type, "endpoint") == 0)
    handle_endpoint (channel, event);
}

/* The stream */

/* Handles the outcome of one read of the stream. Returns TRUE when the
 * channel goes on and the next read should follow. */
static gboolean
channel_handle_read (McpSseSseChannel *channel,
                     gssize            n_read,
                     GError           *error)
{
  g_autoptr(GError) feed_error = NULL;

  if (n_read < 0)
    channel_fail (channel, error);
  else if (n_read == 0 && channel->start_task != NULL)
    channel_fail (channel, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_NO_ENDPOINT,
                                        "The stream of %s ended before the endpoint event",
                                        mcp_sse_http_core_get_display_url (channel->core)));
  else if (n_read == 0)
    channel_fail (channel, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                                        "The server closed the stream of %s",
                                        mcp_sse_http_core_get_display_url (channel->core)));
  if (n_read <= 0)
    return FALSE;

  read_deadline_restart (channel);
  if (!mcp_sse_event_parser_feed (channel->parser, channel->buffer, n_read, &feed_error) &&
      channel->owner != NULL)
    channel->callbacks->error (channel, feed_error, channel->owner);

  if (channel->owner == NULL)
    return FALSE;

  /* A full buffer means more is waiting: read more at once. */
  if ((gsize) n_read == channel->buffer_size && channel->buffer_size < MAX_READ_SIZE)
    {
      channel->buffer_size *= 2;
      channel->buffer = g_realloc (channel->buffer, channel->buffer_size);
    }

  return TRUE;
}

typedef enum
{
  READ_WOULD_BLOCK,  /* all that had arrived was read */
  READ_MORE,         /* a turn's worth was read; there may be more */
  READ_ENDED,        /* the channel ended, or was detached */
} ReadOutcome;

/* Reads what has already arrived without going back to the main loop: a
 * chunked body gives at most one chunk per read, so a server that writes
 * every event on its own would otherwise cost a main loop iteration per
 * event. Stops after MAX_READ_SIZE bytes to let other sources run. */
static ReadOutcome
channel_read_arrived (McpSseSseChannel *channel)
{
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (channel->stream);
  gsize total = 0;

  while (total < MAX_READ_SIZE)
    {
      GError *error = NULL;
      gssize n_read;

      n_read = g_pollable_input_stream_read_nonblocking (pollable, channel->buffer,
                                                         channel->buffer_size,
                                                         channel->cancellable, &error);
      if (n_read < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          return READ_WOULD_BLOCK;
        }
      if (!channel_handle_read (channel, n_read, error))
        return READ_ENDED;
      total += n_read;
    }

  return READ_MORE;
}

static gboolean
channel_watched_ready (McpSseSseChannel *channel)
{
  switch (channel_read_arrived (channel))
    {
    case READ_WOULD_BLOCK:
      return G_SOURCE_CONTINUE;

    case READ_MORE:
      /* The rest may wait in libsoup's buffers, which the watch cannot
       * see: an asynchronous read takes over until a read would block. */
      g_clear_pointer (&channel->read_source, g_source_unref);
      channel_read (channel);
      return G_SOURCE_REMOVE;

    case READ_ENDED:
    default:
      return G_SOURCE_REMOVE;
    }
}

static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  return channel_watched_ready (user_data);
}

static gboolean
on_stream_ready (GObject  *stream,
                 gpointer  user_data)
{
  return channel_watched_ready (user_data);
}

/* Once connected, a source that stays attached replaces the asynchronous
 * reads, which cost half a dozen GSources each (a GTask's, one per
 * libsoup stream layer, the socket's and the cancellable's), made and
 * dropped on every read; and every GSource on a main context costs each
 * iteration of it, for every connection there. Best is a watch on the
 * socket of the connection, one source; when libsoup reused a connection
 * for the GET, a watch on the stream's layers.
 *
 * The watch starts after a read would block, when every layer waits for
 * the socket, and a read never stops short of that while it watches. Not
 * for HTTP/2, whose streams share a connection: another stream's read may
 * bring in ours without the socket telling. */
static gboolean
channel_can_watch (McpSseSseChannel *channel)
{
  return channel->start_task == NULL &&
         soup_message_get_http_version (channel->msg) != SOUP_HTTP_2_0;
}

static void
channel_watch (McpSseSseChannel *channel)
{
  GSource *source;

  if (channel->socket != NULL)
    {
      source = g_socket_create_source (channel->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (source, G_SOURCE_FUNC (on_socket_ready),
                             channel_ref (channel), (GDestroyNotify) channel_unref);
    }
  else
    {
      source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (channel->stream), NULL);
      g_source_set_callback (source, G_SOURCE_FUNC (on_stream_ready),
                             channel_ref (channel), (GDestroyNotify) channel_unref);
    }

  g_source_set_static_name (source, "[mcp-sse] stream");
  channel->read_source = source;
  g_source_attach (source, mcp_sse_http_core_get_context (channel->core));
}

/* Goes on after an asynchronous read. */
static void
channel_read_on (McpSseSseChannel *channel)
{
  if (!channel->pollable)
    {
      channel_read (channel);
      return;
    }

  switch (channel_read_arrived (channel))
    {
    case READ_WOULD_BLOCK:
      if (channel_can_watch (channel))
        channel_watch (channel);
      else
        channel_read (channel);
      break;

    case READ_MORE:
      channel_read (channel);
      break;

    case READ_ENDED:
    default:
      break;
    }
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  McpSseSseChannel *channel = user_data;
  GError *error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (channel->owner == NULL)
    {
      channel_finish_detached_start (channel, error);
      g_clear_error (&error);
      channel_unref (channel);
      return;
    }

  if (channel_handle_read (channel, n_read, error))
    channel_read_on (channel);

  if (channel->owner == NULL)
    channel_finish_detached_start (channel, NULL);
  channel_unref (channel);
}

static void
channel_read (McpSseSseChannel *channel)
{
  g_input_stream_read_async (channel->stream, channel->buffer, channel->buffer_size,
                             G_PRIORITY_DEFAULT, channel->cancellable,
                             on_read, channel_ref (channel));
}

/* The GET */

static GError *
channel_follow_redirect (McpSseSseChannel *channel)
{
  GError *error = NULL;
  GUri *target;

  target = mcp_sse_http_redirect_target (channel->msg, channel->uri,
                                         mcp_sse_http_core_get_uri (channel->core),
                                         ++channel->redirects, &error);
  if (target == NULL)
    return error;

  mcp_sse_http_close_stream_now (channel->stream);
  g_clear_object (&channel->stream);
  g_uri_unref (channel->uri);
  channel->uri = target;
  channel_send_get (channel);
  return NULL;
}

static void
channel_start_reading (McpSseSseChannel *channel)
{
  GPollableInputStream *pollable = G_IS_POLLABLE_INPUT_STREAM (channel->stream) ?
                                     G_POLLABLE_INPUT_STREAM (channel->stream) : NULL;

  channel->pollable = pollable != NULL && g_pollable_input_stream_can_poll (pollable);
  channel->read_deadline = mcp_sse_deadline_new (mcp_sse_http_core_get_context (channel->core),
                                                 "[mcp-sse] read timeout",
                                                 on_read_deadline, channel);
  channel->last_read = g_get_monotonic_time ();
  read_deadline_arm (channel);
  channel_read (channel);
}

static void
on_get_challenged (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  McpSseSseChannel *channel = user_data;
  g_autoptr(GError) error = NULL;
  gboolean retry;

  retry = mcp_sse_http_core_challenge_finish (channel->core, result, &error);

  if (channel->owner == NULL)
    channel_finish_detached_start (channel, error);
  else if (retry)
    channel_send_get (channel);
  else if (error != NULL)
    channel_fail (channel, g_steal_pointer (&error));
  else
    channel_fail (channel, mcp_sse_http_status_error (channel->msg, ""));

  channel_unref (channel);
}

/* A 401 or 403: the authorizer may renew its credentials and have the
 * GET made once more. */
static gboolean
channel_challenge (McpSseSseChannel *channel)
{
  if (channel->challenged || !mcp_sse_http_core_is_challenge (channel->core, channel->msg))
    return FALSE;

  channel->challenged = TRUE;
  mcp_sse_http_close_stream_now (channel->stream);
  g_clear_object (&channel->stream);
  mcp_sse_http_core_challenge_async (channel->core, channel->msg, channel->cancellable,
                                     on_get_challenged, channel_ref (channel));
  return TRUE;
}

static GError *
channel_check_answer (McpSseSseChannel *channel)
{
  guint status = soup_message_get_status (channel->msg);

  if (channel_challenge (channel))
    return NULL;
  if (SOUP_STATUS_IS_REDIRECTION (status))
    return channel_follow_redirect (channel);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    return mcp_sse_http_status_error (channel->msg, "");
  if (!mcp_sse_http_has_content_type (channel->msg, "text/event-stream"))
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_CONTENT_TYPE,
                        "%s answered with “%s” instead of text/event-stream",
                        mcp_sse_http_core_get_display_url (channel->core),
                        mcp_sse_http_get_content_type (channel->msg));

  channel_start_reading (channel);
  return NULL;
}

static void
on_get_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  McpSseSseChannel *channel = user_data;
  g_autoptr(GError) error = NULL;

  channel->stream = mcp_sse_http_core_send_finish (channel->core, result, &error);

  if (channel->owner == NULL)
    channel_finish_detached_start (channel, error);
  else if (channel->stream == NULL)
    channel_fail (channel, g_steal_pointer (&error));
  else
    {
      error = channel_check_answer (channel);
      if (error != NULL)
        channel_fail (channel, g_steal_pointer (&error));
    }

  channel_unref (channel);
}

/* Keeps the socket of the connection that libsoup makes for the GET, for
 * channel_watch(). */
static void
on_get_network_event (SoupMessage        *msg,
                      GSocketClientEvent  event,
                      GIOStream          *stream,
                      gpointer            user_data)
{
  McpSseSseChannel *channel = user_data;

  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (stream))
    g_set_object (&channel->socket, g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));
}

static void
channel_send_get (McpSseSseChannel *channel)
{
  SoupMessageHeaders *headers;

  channel_forget_get (channel);
  channel->msg = mcp_sse_http_core_new_request (channel->core, SOUP_METHOD_GET, channel->uri);
  g_signal_connect (channel->msg, "network-event", G_CALLBACK (on_get_network_event), channel);
  headers = soup_message_get_request_headers (channel->msg);
  soup_message_headers_replace (headers, "Accept", "text/event-stream");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  mcp_sse_http_core_send_async (channel->core, channel->msg, channel->cancellable,
                                on_get_sent, channel_ref (channel));
}

/* The owner's side */

static McpSseSseChannel *
channel_new (McpSseHttpCore                  *core,
             const McpSseSseChannelCallbacks *callbacks,
             GObject                         *owner,
             GTask                           *start_task)
{
  McpSseSseChannel *channel = g_rc_box_new0 (McpSseSseChannel);
  GCancellable *start_cancellable = g_task_get_cancellable (start_task);

  channel->core = mcp_sse_http_core_ref (core);
  channel->callbacks = callbacks;
  channel->owner = owner;
  channel->uri = g_uri_ref (mcp_sse_http_core_get_uri (core));
  channel->cancellable = g_cancellable_new ();
  channel->start_task = g_object_ref (start_task);
  channel->parser = mcp_sse_event_parser_new ();
  mcp_sse_event_parser_set_event_func (channel->parser, on_parser_event, channel);
  channel->buffer_size = MIN_READ_SIZE;
  channel->buffer = g_malloc (channel->buffer_size);

  if (start_cancellable != NULL)
    channel->start_cancelled_id = mcp_sse_http_chain_cancel (start_cancellable,
                                                             channel->cancellable);

  return channel;
}

/* Opens the event stream at the core's URL, which must be an http(s)
 * URL. @start_task completes once the endpoint is accepted, or with the
 * reason the channel ended before; its cancellable cancels the start.
 * The owner holds the reference returned until the channel ends or it
 * closes the channel. */
McpSseSseChannel *
mcp_sse_sse_channel_open (McpSseHttpCore                  *core,
                          const McpSseSseChannelCallbacks *callbacks,
                          GObject                         *owner,
                          GTask                           *start_task,
                          double                           read_timeout,
                          guint64                          max_event_size)
{
  McpSseSseChannel *channel = channel_new (core, callbacks, owner, start_task);
  GMainContext *context = mcp_sse_http_core_get_context (core);

  channel->wanted_read_timeout = read_timeout;
  mcp_sse_event_parser_set_max_event_size (channel->parser, max_event_size);
  channel->connect_deadline = mcp_sse_deadline_new (context, "[mcp-sse] connect timeout",
                                                    on_connect_deadline, channel);
  mcp_sse_deadline_arm (channel->connect_deadline, mcp_sse_http_core_get_timeout (core));

  g_main_context_push_thread_default (context);
  channel_send_get (channel);
  g_main_context_pop_thread_default (context);

  return channel;
}

/* Closes the channel at once and releases the owner's reference; no
 * callback runs any more. A start in progress fails with
 * G_IO_ERROR_CANCELLED once the pending operation returns. */
void
mcp_sse_sse_channel_close (McpSseSseChannel *channel)
{
  channel_detach (channel);
}

/* Applies from the next byte. */
void
mcp_sse_sse_channel_set_read_timeout (McpSseSseChannel *channel,
                                      double            read_timeout)
{
  channel->wanted_read_timeout = read_timeout;
}

void
mcp_sse_sse_channel_set_max_event_size (McpSseSseChannel *channel,
                                        guint64           max_event_size)
{
  mcp_sse_event_parser_set_max_event_size (channel->parser, max_event_size);
}
