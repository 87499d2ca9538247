/* mcp-sse-connection-manager.c: the MCP HTTP+SSE client transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-connection-manager.h"
#include "mcp-sse-deadline-private.h"
#include "mcp-sse-debug-private.h"
#include "mcp-sse-enum-types.h"
#include "mcp-sse-error.h"
#include "mcp-sse-event-parser.h"
#include "mcp-sse-event.h"
#include "mcp-sse-http-policy-private.h"
#include "mcp-sse-json-reader-private.h"
#include "mcp-sse-json-writer-private.h"
#include "mcp-sse-redact-private.h"

/**
 * McpSseConnectionManager:
 *
 * The client side of the MCP "HTTP with SSE" transport (protocol version
 * 2024-11-05), the GObject counterpart of mcp-use's `SseConnectionManager`.
 *
 * [method@ConnectionManager.start_async] GETs the URL, reads the
 * `text/event-stream` answer with an [class@EventParser] and completes once
 * the server's `endpoint` event names where to POST messages, on the same
 * origin. From then on every `message` event that holds a JSON value is
 * emitted as [signal@Transport::message], and
 * [method@ConnectionManager.send_async] POSTs JSON-RPC messages to the
 * endpoint.
 *
 * ```c
 * static void
 * on_message (McpSseTransport *transport,
 *             JsonNode        *message,
 *             gpointer         user_data)
 * {
 *   g_autofree char *text = json_to_string (message, FALSE);
 *   g_print ("received %s\n", text);
 * }
 *
 * manager = mcp_sse_connection_manager_new ("http://127.0.0.1:3001/sse");
 * g_signal_connect (manager, "message", G_CALLBACK (on_message), NULL);
 * mcp_sse_connection_manager_start_async (manager, NULL, on_started, NULL);
 * ```
 *
 * Every wait has a deadline: [property@ConnectionManager:timeout] bounds
 * connecting (up to and including the endpoint event) and every POST,
 * [property@ConnectionManager:sse-read-timeout] bounds the silence on the
 * stream. A failed POST fails only its own send. When the stream ends,
 * [signal@Transport::closed] is emitted once, with the reason.
 *
 * Headers set with [method@ConnectionManager.set_header] and the
 * credentials of [property@ConnectionManager:auth] go on the GET and on
 * every POST, and never to another origin: an endpoint on another origin
 * is refused, and so is a redirect to one.
 *
 * A manager creates its own [class@Soup.Session] unless one is given to
 * [ctor@ConnectionManager.new_full]. Since the GET holds one connection
 * for as long as the stream is open, such a session needs room for more
 * than one connection per host (libsoup allows only two by default) so
 * that POSTs can run concurrently, and its [property@Soup.Session:timeout]
 * must be 0 or longer than the silences the stream may have.
 *
 * With the environment variable `MCP_SSE_DEBUG=1` a manager logs its state
 * changes and, on a session it created itself, the HTTP headers it
 * exchanges, with the values of credentials and cookies masked.
 *
 * Since: 1.0
 */

#define MIN_READ_SIZE (4 * 1024)
#define MAX_READ_SIZE (64 * 1024)

typedef struct _Connection Connection;

struct _McpSseConnectionManager
{
  GObject parent_instance;

  GMainContext *context;
  char *url;
  char *display_url;                /* url without its password, for messages */
  GUri *uri;                        /* NULL when url is not an http(s) URL */
  SoupSession *session;
  gboolean own_session;
  SoupMessageHeaders *headers;
  SoupAuth *auth;
  double timeout;
  double sse_read_timeout;
  guint64 max_event_size;
  char *protocol_version;

  McpSseConnectionState state;
  char *endpoint;
  GUri *endpoint_uri;

  Connection *connection;           /* the GET while connecting or connected */
  GQueue sends;                     /* Send, the POSTs in flight */
};

/* One GET and its stream. It outlives the manager's interest in it: once
 * detached (manager == NULL) the async operation still pending on it
 * finishes and frees it, without touching the manager. */
struct _Connection
{
  McpSseConnectionManager *manager; /* not a reference; NULL once detached */
  SoupSession *session;
  SoupMessage *msg;
  GUri *uri;                        /* of the current GET, after redirects */
  GInputStream *stream;
  GCancellable *cancellable;
  McpSseEventParser *parser;
  GTask *start_task;                /* until the endpoint is accepted */
  GCancellable *start_cancellable;
  gulong start_cancelled_id;
  GSource *connect_deadline;
  GSource *read_deadline;
  GSource *read_source;             /* watches the stream once connected */
  GSocket *socket;                  /* of the GET's connection, if it made one */
  double read_timeout;              /* what read_deadline was armed with */
  gint64 last_read;                 /* monotonic time of the last bytes */
  guint8 *buffer;
  gsize buffer_size;
  guint redirects;
  gboolean pollable;                /* stream is a GPollableInputStream that can poll */
};

/* One POST in flight; the data of its GTask. */
typedef struct
{
  McpSseConnectionManager *manager;
  SoupMessage *msg;
  GCancellable *cancellable;        /* ours: cancelled by every reason to give up */
  GCancellable *caller_cancellable;
  gulong caller_cancelled_id;
  GSource *deadline;
  GError *abort_error;              /* why we gave up, NULL for stop() */
  GList link;
} Send;

enum {
  PROP_0,
  PROP_URL,
  PROP_TIMEOUT,
  PROP_SSE_READ_TIMEOUT,
  PROP_SESSION,
  PROP_AUTH,
  PROP_ENDPOINT,
  PROP_MAX_EVENT_SIZE,
  PROP_STATE,
  PROP_PROTOCOL_VERSION,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint transport_message_signal;
static guint transport_error_signal;
static guint transport_closed_signal;

static void mcp_sse_connection_manager_transport_init (McpSseTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McpSseConnectionManager, mcp_sse_connection_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_TRANSPORT,
                                                      mcp_sse_connection_manager_transport_init))

static void connection_send_get (Connection *conn);
static void connection_read (Connection *conn);

/* Debug logging */

static void
print_http_log (SoupLogger         *logger,
                SoupLoggerLogLevel  level,
                char                direction,
                const char         *data,
                gpointer            user_data)
{
  g_autofree char *line = mcp_sse_redact_header_line (data);

  mcp_sse_debug_print (MCP_SSE_DEBUG_HTTP, "%c %s", direction, line);
}

static void
add_http_logger (SoupSession *session)
{
  g_autoptr(SoupLogger) logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);

  soup_logger_set_printer (logger, print_http_log, NULL, NULL);
  soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));
}

/* Requests */

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_replace (user_data, name, value);
}

static SoupMessage *
new_request (McpSseConnectionManager *self,
             const char              *method,
             GUri                    *uri)
{
  SoupMessage *msg = soup_message_new_from_uri (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_foreach (self->headers, copy_header, headers);

  if (self->auth != NULL)
    {
      g_autofree char *authorization = soup_auth_get_authorization (self->auth, msg);

      if (authorization != NULL)
        soup_message_headers_replace (headers, "Authorization", authorization);
    }

  return msg;
}

/* State */

static const char *
state_name (McpSseConnectionState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (MCP_SSE_TYPE_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value != NULL ? value->value_nick : "?";
}

static void
set_state (McpSseConnectionManager *self,
           McpSseConnectionState    state)
{
  if (self->state == state)
    return;

  MCP_SSE_NOTE (TRANSPORT, "%s: %s -> %s", self->display_url,
                state_name (self->state), state_name (state));

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_endpoint (McpSseConnectionManager *self,
              GUri                    *endpoint_uri)
{
  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  g_clear_pointer (&self->endpoint, g_free);

  if (endpoint_uri != NULL)
    {
      self->endpoint_uri = g_uri_ref (endpoint_uri);
      self->endpoint = g_uri_to_string (endpoint_uri);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDPOINT]);
}

/* Connections */

static void
connection_forget_get (Connection *conn)
{
  if (conn->msg != NULL)
    g_signal_handlers_disconnect_by_data (conn->msg, conn);
  g_clear_object (&conn->msg);
  g_clear_object (&conn->socket);
}

static void
connection_clear (Connection *conn)
{
  g_assert (conn->manager == NULL);
  g_assert (conn->start_task == NULL);

  if (conn->stream != NULL)
    {
      mcp_sse_http_close_stream_now (conn->stream);
      g_object_unref (conn->stream);
    }

  mcp_sse_deadline_clear (&conn->connect_deadline);
  mcp_sse_deadline_clear (&conn->read_deadline);
  mcp_sse_deadline_clear (&conn->read_source);
  if (conn->parser != NULL)
    g_signal_handlers_disconnect_by_data (conn->parser, conn);
  g_clear_object (&conn->parser);
  connection_forget_get (conn);
  g_clear_object (&conn->session);
  g_clear_object (&conn->cancellable);
  g_clear_pointer (&conn->uri, g_uri_unref);
  g_free (conn->buffer);
}

static Connection *
connection_ref (Connection *conn)
{
  return g_rc_box_acquire (conn);
}

static void
connection_unref (Connection *conn)
{
  g_rc_box_release_full (conn, (GDestroyNotify) connection_clear);
}

/* Cuts the connection loose from its manager. The operation pending on it
 * completes with G_IO_ERROR_CANCELLED and then frees it. */
static void
connection_detach (Connection *conn)
{
  McpSseConnectionManager *self = conn->manager;

  g_assert (self != NULL && self->connection == conn);

  conn->manager = NULL;
  self->connection = NULL;

  g_cancellable_cancel (conn->cancellable);
  if (conn->start_cancelled_id != 0)
    g_cancellable_disconnect (conn->start_cancellable, conn->start_cancelled_id);
  conn->start_cancelled_id = 0;
  g_clear_object (&conn->start_cancellable);
  mcp_sse_deadline_clear (&conn->connect_deadline);
  mcp_sse_deadline_clear (&conn->read_deadline);
  mcp_sse_deadline_clear (&conn->read_source);

  connection_unref (conn);
}

/* Completes the start of a detached connection: stop() or a cancellation
 * cut it off, so it fails with G_IO_ERROR_CANCELLED unless @error says
 * something else went wrong first. */
static void
connection_finish_start (Connection *conn,
                         GError     *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&conn->start_task);

  if (task == NULL)
    return;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             "The connection was cancelled");
}

static void fail_sends (McpSseConnectionManager *self,
                        const GError            *error);

/* The start failed: the connection ends and so does the start. */
static void
connection_fail_start (Connection *conn,
                       GError     *error)
{
  McpSseConnectionManager *self = conn->manager;
  g_autoptr(GTask) task = g_steal_pointer (&conn->start_task);

  MCP_SSE_NOTE (TRANSPORT, "%s: start failed: %s", self->display_url, error->message);

  connection_detach (conn);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_task_return_error (task, error);
}

/* A connection that was up ended; @error is the reason. */
static void
connection_close (Connection *conn,
                  GError     *error)
{
  g_autoptr(McpSseConnectionManager) self = g_object_ref (conn->manager);
  g_autoptr(GError) reason = error;

  MCP_SSE_NOTE (TRANSPORT, "%s: closed: %s", self->display_url, reason->message);

  connection_detach (conn);
  fail_sends (self, reason);
  set_endpoint (self, NULL);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);

  if (!g_error_matches (reason, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED))
    g_signal_emit (self, transport_error_signal, 0, reason);
  g_signal_emit (self, transport_closed_signal, 0, reason);
}

/* Ends the connection, before or after it was up, with @error. */
static void
connection_fail (Connection *conn,
                 GError     *error)
{
  if (conn->start_task != NULL)
    connection_fail_start (conn, error);
  else
    connection_close (conn, error);
}

static gboolean
on_connect_deadline (gpointer user_data)
{
  Connection *conn = user_data;
  g_autofree char *uri = g_uri_to_string_partial (conn->uri, G_URI_HIDE_PASSWORD);

  connection_fail (conn, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                                      "No endpoint from %s within %g s",
                                      uri, conn->manager->timeout));
  return G_SOURCE_CONTINUE;
}

/* Moving a GSource's ready time wakes its main context up, which costs
 * a write and a read on an eventfd: too much for every read of the
 * stream. So bytes only update last_read, and the deadline, when it
 * fires, moves itself on to the end of the current silence. */
static void
read_deadline_arm (Connection *conn)
{
  conn->read_timeout = conn->manager->sse_read_timeout;
  mcp_sse_deadline_arm (conn->read_deadline, conn->read_timeout);
}

static void
read_deadline_restart (Connection *conn)
{
  conn->last_read = g_get_monotonic_time ();
  if (conn->read_timeout != conn->manager->sse_read_timeout)
    read_deadline_arm (conn);
}

static gboolean
on_read_deadline (gpointer user_data)
{
  Connection *conn = user_data;
  gint64 silence_end = conn->last_read + (gint64) (conn->read_timeout * G_USEC_PER_SEC);
  g_autofree char *uri = NULL;

  if (g_get_monotonic_time () < silence_end)
    {
      g_source_set_ready_time (conn->read_deadline, silence_end);
      return G_SOURCE_CONTINUE;
    }

  uri = g_uri_to_string_partial (conn->uri, G_URI_HIDE_PASSWORD);
  connection_fail (conn, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_READ_TIMEOUT,
                                      "No data from %s for %g s",
                                      uri, conn->manager->sse_read_timeout));
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
take_message (McpSseConnectionManager *self,
              McpSseEvent             *event)
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
    g_signal_emit (self, transport_error_signal, 0, error);
  else
    g_signal_emit (self, transport_message_signal, 0, message);
}

static GError *
check_endpoint (Connection  *conn,
                const char  *data,
                GUri       **endpoint_uri)
{
  McpSseConnectionManager *self = conn->manager;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *text = NULL;

  if (*data == '\0')
    return g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                                "The endpoint event is empty");

  uri = g_uri_parse_relative (conn->uri, data, MCP_SSE_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                        "The endpoint “%s” is not a URI reference: %s",
                        data, error->message);

  text = g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);
  if (!mcp_sse_http_same_origin (self->uri, uri))
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_ENDPOINT_ORIGIN,
                        "The endpoint “%s” resolves to %s, which is not on the origin of %s",
                        data, text, self->display_url);

  *endpoint_uri = g_steal_pointer (&uri);
  return NULL;
}

static void
take_endpoint (Connection  *conn,
               McpSseEvent *event)
{
  McpSseConnectionManager *self = conn->manager;
  g_autoptr(GUri) endpoint_uri = NULL;
  g_autoptr(GTask) task = NULL;
  GError *error;

  if (conn->start_task == NULL)
    {
      g_autoptr(GError) second = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT,
                                              "A second endpoint event (“%s”) was ignored",
                                              mcp_sse_event_get_data (event));
      g_signal_emit (self, transport_error_signal, 0, second);
      return;
    }

  error = check_endpoint (conn, mcp_sse_event_get_data (event), &endpoint_uri);
  if (error != NULL)
    {
      connection_fail_start (conn, error);
      return;
    }

  mcp_sse_deadline_clear (&conn->connect_deadline);
  if (conn->start_cancelled_id != 0)
    g_cancellable_disconnect (conn->start_cancellable, conn->start_cancelled_id);
  conn->start_cancelled_id = 0;
  g_clear_object (&conn->start_cancellable);
  task = g_steal_pointer (&conn->start_task);

  /* Both change before anybody hears of either. */
  g_object_freeze_notify (G_OBJECT (self));
  set_endpoint (self, endpoint_uri);
  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));
  g_task_return_boolean (task, TRUE);
}

static void
on_parser_event (McpSseEventParser *parser,
                 McpSseEvent       *event,
                 gpointer           user_data)
{
  Connection *conn = user_data;
  g_autoptr(McpSseConnectionManager) self = NULL;
  const char *type;

  if (conn->manager == NULL)
    return;

  /* Any handler may stop the manager or drop the last reference to it. */
  self = g_object_ref (conn->manager);
  g_signal_emit (self, signals[EVENT], 0, event);
  if (conn->manager != self)
    return;

  type = mcp_sse_event_get_event_type (event);
  if (strcmp (type, "message") == 0)
    take_message (self, event);
  else if (strcmp (type, "endpoint") == 0)
    take_endpoint (conn, event);
}

/* The stream */

/* Takes the outcome of one read of the stream. Returns TRUE when the
 * connection goes on and the next read should follow. */
static gboolean
connection_take_read (Connection *conn,
                      gssize      n_read,
                      GError     *error)
{
  g_autoptr(GError) feed_error = NULL;

  if (n_read < 0)
    connection_fail (conn, error);
  else if (n_read == 0 && conn->start_task != NULL)
    connection_fail_start (conn, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_NO_ENDPOINT,
                                              "The stream of %s ended before the endpoint event",
                                              conn->manager->display_url));
  else if (n_read == 0)
    connection_close (conn, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                                         "The server closed the stream of %s",
                                         conn->manager->display_url));
  if (n_read <= 0)
    return FALSE;

  read_deadline_restart (conn);
  if (!mcp_sse_event_parser_feed (conn->parser, conn->buffer, n_read, &feed_error) &&
      conn->manager != NULL)
    g_signal_emit (conn->manager, transport_error_signal, 0, feed_error);

  if (conn->manager == NULL)
    return FALSE;

  /* A full buffer means more is waiting: read more at once. */
  if ((gsize) n_read == conn->buffer_size && conn->buffer_size < MAX_READ_SIZE)
    {
      conn->buffer_size *= 2;
      conn->buffer = g_realloc (conn->buffer, conn->buffer_size);
    }

  return TRUE;
}

typedef enum
{
  READ_WOULD_BLOCK,  /* all that had arrived was read */
  READ_MORE,         /* a turn's worth was read; there may be more */
  READ_ENDED,        /* the connection ended, or was detached */
} ReadOutcome;

/* Reads what has already arrived without going back to the main loop: a
 * chunked body gives at most one chunk per read, so a server that writes
 * every event on its own would otherwise cost a main loop iteration per
 * event. Stops after MAX_READ_SIZE bytes to let other sources run. */
static ReadOutcome
connection_read_ready (Connection *conn)
{
  GPollableInputStream *pollable = G_POLLABLE_INPUT_STREAM (conn->stream);
  gsize total = 0;

  while (total < MAX_READ_SIZE)
    {
      GError *error = NULL;
      gssize n_read;

      n_read = g_pollable_input_stream_read_nonblocking (pollable, conn->buffer, conn->buffer_size,
                                                         conn->cancellable, &error);
      if (n_read < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_error_free (error);
          return READ_WOULD_BLOCK;
        }
      if (!connection_take_read (conn, n_read, error))
        return READ_ENDED;
      total += n_read;
    }

  return READ_MORE;
}

static gboolean
connection_watched_ready (Connection *conn)
{
  switch (connection_read_ready (conn))
    {
    case READ_WOULD_BLOCK:
      return G_SOURCE_CONTINUE;

    case READ_MORE:
      /* The rest may wait in libsoup's buffers, which the watch cannot
       * see: an asynchronous read takes over until a read would block. */
      g_clear_pointer (&conn->read_source, g_source_unref);
      connection_read (conn);
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
  return connection_watched_ready (user_data);
}

static gboolean
on_stream_ready (GObject  *stream,
                 gpointer  user_data)
{
  return connection_watched_ready (user_data);
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
connection_can_watch (Connection *conn)
{
  return conn->start_task == NULL &&
         soup_message_get_http_version (conn->msg) != SOUP_HTTP_2_0;
}

static void
connection_watch (Connection *conn)
{
  GSource *source;

  if (conn->socket != NULL)
    {
      source = g_socket_create_source (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
      g_source_set_callback (source, G_SOURCE_FUNC (on_socket_ready),
                             connection_ref (conn), (GDestroyNotify) connection_unref);
    }
  else
    {
      source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (conn->stream), NULL);
      g_source_set_callback (source, G_SOURCE_FUNC (on_stream_ready),
                             connection_ref (conn), (GDestroyNotify) connection_unref);
    }

  g_source_set_static_name (source, "[mcp-sse] stream");
  conn->read_source = source;
  g_source_attach (source, conn->manager->context);
}

/* Goes on after an asynchronous read. */
static void
connection_read_on (Connection *conn)
{
  if (!conn->pollable)
    {
      connection_read (conn);
      return;
    }

  switch (connection_read_ready (conn))
    {
    case READ_WOULD_BLOCK:
      if (connection_can_watch (conn))
        connection_watch (conn);
      else
        connection_read (conn);
      break;

    case READ_MORE:
      connection_read (conn);
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
  Connection *conn = user_data;
  GError *error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (conn->manager == NULL)
    {
      connection_finish_start (conn, error);
      g_clear_error (&error);
      connection_unref (conn);
      return;
    }

  if (connection_take_read (conn, n_read, error))
    connection_read_on (conn);

  if (conn->manager == NULL)
    connection_finish_start (conn, NULL);
  connection_unref (conn);
}

static void
connection_read (Connection *conn)
{
  g_input_stream_read_async (conn->stream, conn->buffer, conn->buffer_size,
                             G_PRIORITY_DEFAULT, conn->cancellable,
                             on_read, connection_ref (conn));
}

static GError *
follow_redirect (Connection *conn)
{
  McpSseConnectionManager *self = conn->manager;
  GError *error = NULL;
  GUri *target;

  target = mcp_sse_http_redirect_target (conn->msg, conn->uri, self->uri,
                                         ++conn->redirects, &error);
  if (target == NULL)
    return error;

  mcp_sse_http_close_stream_now (conn->stream);
  g_clear_object (&conn->stream);
  g_uri_unref (conn->uri);
  conn->uri = target;
  connection_send_get (conn);
  return NULL;
}

static void
on_get_sent (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Connection *conn = user_data;
  g_autoptr(GError) error = NULL;
  guint status;

  conn->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);

  if (conn->manager == NULL)
    {
      connection_finish_start (conn, error);
      connection_unref (conn);
      return;
    }

  if (conn->stream == NULL)
    {
      connection_fail_start (conn, g_steal_pointer (&error));
      connection_unref (conn);
      return;
    }

  status = soup_message_get_status (conn->msg);
  if (SOUP_STATUS_IS_REDIRECTION (status))
    error = follow_redirect (conn);
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    error = mcp_sse_http_status_error (conn->msg, "");
  else if (!mcp_sse_http_has_content_type (conn->msg, "text/event-stream"))
    error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_CONTENT_TYPE,
                         "%s answered with “%s” instead of text/event-stream",
                         conn->manager->display_url, mcp_sse_http_get_content_type (conn->msg));
  else
    {
      conn->pollable = G_IS_POLLABLE_INPUT_STREAM (conn->stream) &&
                       g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (conn->stream));
      conn->read_deadline = mcp_sse_deadline_new (conn->manager->context, "[mcp-sse] read timeout",
                                          on_read_deadline, conn);
      conn->last_read = g_get_monotonic_time ();
      read_deadline_arm (conn);
      connection_read (conn);
    }

  if (error != NULL)
    connection_fail_start (conn, g_steal_pointer (&error));

  connection_unref (conn);
}

/* Keeps the socket of the connection that libsoup makes for the GET, for
 * connection_watch(). */
static void
on_get_network_event (SoupMessage        *msg,
                      GSocketClientEvent  event,
                      GIOStream          *stream,
                      gpointer            user_data)
{
  Connection *conn = user_data;

  if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (stream))
    g_set_object (&conn->socket, g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));
}

static void
connection_send_get (Connection *conn)
{
  McpSseConnectionManager *self = conn->manager;
  SoupMessageHeaders *headers;

  connection_forget_get (conn);
  conn->msg = new_request (self, SOUP_METHOD_GET, conn->uri);
  g_signal_connect (conn->msg, "network-event", G_CALLBACK (on_get_network_event), conn);
  headers = soup_message_get_request_headers (conn->msg);
  soup_message_headers_replace (headers, "Accept", "text/event-stream");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");

  soup_session_send_async (conn->session, conn->msg, G_PRIORITY_DEFAULT,
                           conn->cancellable, on_get_sent, connection_ref (conn));
}

/* Passes a caller's cancellation on to our own cancellable. It may run in
 * any thread, so it only cancels: the callbacks do the rest. */
static void
cancel_chained (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static Connection *
connection_new (McpSseConnectionManager *self,
                GTask                   *task,
                GCancellable            *cancellable)
{
  Connection *conn = g_rc_box_new0 (Connection);

  conn->manager = self;
  conn->session = g_object_ref (self->session);
  conn->uri = g_uri_ref (self->uri);
  conn->cancellable = g_cancellable_new ();
  conn->start_task = g_object_ref (task);
  conn->parser = mcp_sse_event_parser_new ();
  mcp_sse_event_parser_set_max_event_size (conn->parser, self->max_event_size);
  g_signal_connect (conn->parser, "event", G_CALLBACK (on_parser_event), conn);
  conn->buffer_size = MIN_READ_SIZE;
  conn->buffer = g_malloc (conn->buffer_size);

  conn->connect_deadline = mcp_sse_deadline_new (self->context, "[mcp-sse] connect timeout",
                                         on_connect_deadline, conn);
  mcp_sse_deadline_arm (conn->connect_deadline, self->timeout);

  if (cancellable != NULL)
    {
      conn->start_cancellable = g_object_ref (cancellable);
      conn->start_cancelled_id = g_cancellable_connect (cancellable,
                                                        G_CALLBACK (cancel_chained),
                                                        g_object_ref (conn->cancellable),
                                                        g_object_unref);
    }

  return conn;
}

/* Sends */

static void
send_free (Send *send)
{
  g_assert (send->deadline == NULL);
  g_clear_object (&send->msg);
  g_clear_object (&send->cancellable);
  g_clear_object (&send->caller_cancellable);
  g_clear_error (&send->abort_error);
  g_free (send);
}

static void
send_abort (Send         *send,
            const GError *error)
{
  if (send->abort_error == NULL && error != NULL)
    send->abort_error = g_error_copy (error);
  g_cancellable_cancel (send->cancellable);
}

static void
fail_sends (McpSseConnectionManager *self,
            const GError            *error)
{
  GList *l;

  for (l = self->sends.head; l != NULL; l = l->next)
    send_abort (l->data, error);
}

static gboolean
on_send_deadline (gpointer user_data)
{
  Send *send = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_uri_to_string_partial (soup_message_get_uri (send->msg),
                                                  G_URI_HIDE_PASSWORD);

  error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                       "POST %s got no answer within %g s", uri, send->manager->timeout);
  send_abort (send, error);
  return G_SOURCE_CONTINUE;
}

static void
on_post_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Send *send = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_queue_unlink (&send->manager->sends, &send->link);
  mcp_sse_deadline_clear (&send->deadline);
  if (send->caller_cancelled_id != 0)
    g_cancellable_disconnect (send->caller_cancellable, send->caller_cancelled_id);
  send->caller_cancelled_id = 0;

  status = soup_message_get_status (send->msg);
  if (send->abort_error != NULL)
    g_task_return_error (task, g_steal_pointer (&send->abort_error));
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (SOUP_STATUS_IS_REDIRECTION (status))
    g_task_return_error (task, mcp_sse_http_status_error (send->msg, ": a redirect of a POST, not followed"));
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_error (task, mcp_sse_http_status_error (send->msg, ""));
  else
    g_task_return_boolean (task, TRUE);
}

static Send *
send_new (McpSseConnectionManager *self,
          JsonNode                *message,
          GCancellable            *cancellable)
{
  Send *send = g_new0 (Send, 1);
  gsize length;
  char *text = mcp_sse_json_writer_write (message, &length);
  g_autoptr(GBytes) body = g_bytes_new_take (text, length);

  send->manager = self;
  send->link.data = send;
  send->cancellable = g_cancellable_new ();
  send->msg = new_request (self, SOUP_METHOD_POST, self->endpoint_uri);
  if (self->protocol_version != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (send->msg),
                                  "MCP-Protocol-Version", self->protocol_version);
  soup_message_set_request_body_from_bytes (send->msg, "application/json", body);

  if (cancellable != NULL)
    {
      send->caller_cancellable = g_object_ref (cancellable);
      send->caller_cancelled_id = g_cancellable_connect (cancellable,
                                                         G_CALLBACK (cancel_chained),
                                                         g_object_ref (send->cancellable),
                                                         g_object_unref);
    }

  return send;
}

/* The transport */

static void
mcp_sse_connection_manager_real_start_async (McpSseTransport     *transport,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (transport);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_connection_manager_start_async);

  if (self->uri == NULL)
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not an absolute http or https URL", self->display_url);
      return;
    }

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ||
      self->state == MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The connection to %s is already %s", self->display_url,
                               self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ?
                                 "being made" : "open");
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  self->connection = connection_new (self, task, cancellable);
  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTING);

  g_main_context_push_thread_default (self->context);
  connection_send_get (self->connection);
  g_main_context_pop_thread_default (self->context);
}

static gboolean
mcp_sse_connection_manager_real_start_finish (McpSseTransport  *transport,
                                              GAsyncResult     *result,
                                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_connection_manager_start_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_connection_manager_real_send_async (McpSseTransport     *transport,
                                            JsonNode            *message,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (transport);
  g_autoptr(GTask) task = NULL;
  Send *send;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_connection_manager_send_async);

  if (self->state != MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED,
                               "Cannot send to %s: %s", self->display_url,
                               self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ?
                                 "the endpoint is not known yet" : "not connected");
      return;
    }

  send = send_new (self, message, cancellable);
  g_task_set_task_data (task, send, (GDestroyNotify) send_free);
  g_queue_push_tail_link (&self->sends, &send->link);

  if (self->timeout > 0)
    {
      send->deadline = mcp_sse_deadline_new (self->context, "[mcp-sse] POST timeout",
                                     on_send_deadline, send);
      mcp_sse_deadline_arm (send->deadline, self->timeout);
    }

  g_main_context_push_thread_default (self->context);
  soup_session_send_and_read_async (self->session, send->msg, G_PRIORITY_DEFAULT,
                                    send->cancellable, on_post_sent, g_steal_pointer (&task));
  g_main_context_pop_thread_default (self->context);
}

static gboolean
mcp_sse_connection_manager_real_send_finish (McpSseTransport  *transport,
                                             GAsyncResult     *result,
                                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_connection_manager_send_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_connection_manager_real_stop (McpSseTransport *transport)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (transport);
  g_autoptr(McpSseConnectionManager) hold = NULL;
  gboolean was_connected;

  if (self->connection == NULL)
    return;

  hold = g_object_ref (self);
  was_connected = self->state == MCP_SSE_CONNECTION_STATE_CONNECTED;

  MCP_SSE_NOTE (TRANSPORT, "%s: stopped", self->display_url);

  connection_detach (self->connection);
  fail_sends (self, NULL);
  if (was_connected)
    set_endpoint (self, NULL);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);

  if (was_connected)
    g_signal_emit (self, transport_closed_signal, 0, NULL);
}

static void
mcp_sse_connection_manager_transport_init (McpSseTransportInterface *iface)
{
  iface->start_async = mcp_sse_connection_manager_real_start_async;
  iface->start_finish = mcp_sse_connection_manager_real_start_finish;
  iface->send_async = mcp_sse_connection_manager_real_send_async;
  iface->send_finish = mcp_sse_connection_manager_real_send_finish;
  iface->stop = mcp_sse_connection_manager_real_stop;
}

/* GObject */

static void
mcp_sse_connection_manager_constructed (GObject *object)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  G_OBJECT_CLASS (mcp_sse_connection_manager_parent_class)->constructed (object);

  self->uri = self->url != NULL ? mcp_sse_http_parse_url (self->url) : NULL;
  self->display_url = self->uri != NULL ? g_uri_to_string_partial (self->uri, G_URI_HIDE_PASSWORD)
                                        : g_strdup (self->url);

  if (self->session == NULL)
    {
      self->own_session = TRUE;
      self->session = soup_session_new_with_options ("max-conns", 64,
                                                     "max-conns-per-host", 32,
                                                     "timeout", 0,
                                                     "user-agent", "mcp-sse/" PACKAGE_VERSION,
                                                     NULL);
      if (MCP_SSE_DEBUG_ENABLED (HTTP))
        add_http_logger (self->session);
    }
}

static void
mcp_sse_connection_manager_dispose (GObject *object)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  /* Closes without a word: nobody is listening any more. A start in
   * progress holds a reference, so only a connection that is up gets
   * here; the read pending on it frees it. */
  if (self->connection != NULL)
    {
      connection_detach (self->connection);
      g_clear_pointer (&self->endpoint, g_free);
      g_clear_pointer (&self->endpoint_uri, g_uri_unref);
      self->state = MCP_SSE_CONNECTION_STATE_CLOSED;
    }

  G_OBJECT_CLASS (mcp_sse_connection_manager_parent_class)->dispose (object);
}

static void
mcp_sse_connection_manager_finalize (GObject *object)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  g_assert (g_queue_is_empty (&self->sends));

  g_clear_object (&self->session);
  g_clear_object (&self->auth);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->url);
  g_free (self->display_url);
  g_free (self->endpoint);
  g_free (self->protocol_version);

  G_OBJECT_CLASS (mcp_sse_connection_manager_parent_class)->finalize (object);
}

static void
mcp_sse_connection_manager_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_TIMEOUT:
      g_value_set_double (value, self->timeout);
      break;

    case PROP_SSE_READ_TIMEOUT:
      g_value_set_double (value, self->sse_read_timeout);
      break;

    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_AUTH:
      g_value_set_object (value, self->auth);
      break;

    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;

    case PROP_MAX_EVENT_SIZE:
      g_value_set_uint64 (value, self->max_event_size);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PROTOCOL_VERSION:
      g_value_set_string (value, self->protocol_version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_connection_manager_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  switch (prop_id)
    {
    case PROP_URL:
      self->url = g_value_dup_string (value);
      break;

    case PROP_TIMEOUT:
      mcp_sse_connection_manager_set_timeout (self, g_value_get_double (value));
      break;

    case PROP_SSE_READ_TIMEOUT:
      mcp_sse_connection_manager_set_sse_read_timeout (self, g_value_get_double (value));
      break;

    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_AUTH:
      mcp_sse_connection_manager_set_auth (self, g_value_get_object (value));
      break;

    case PROP_MAX_EVENT_SIZE:
      mcp_sse_connection_manager_set_max_event_size (self, g_value_get_uint64 (value));
      break;

    case PROP_PROTOCOL_VERSION:
      mcp_sse_connection_manager_set_protocol_version (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_connection_manager_class_init (McpSseConnectionManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mcp_sse_connection_manager_constructed;
  object_class->dispose = mcp_sse_connection_manager_dispose;
  object_class->finalize = mcp_sse_connection_manager_finalize;
  object_class->get_property = mcp_sse_connection_manager_get_property;
  object_class->set_property = mcp_sse_connection_manager_set_property;

  /**
   * McpSseConnectionManager:url:
   *
   * The URL of the server's event stream, e.g. `http://127.0.0.1:3001/sse`.
   * Only absolute http and https URLs can be started.
   *
   * Since: 1.0
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:timeout:
   *
   * The deadline in seconds of connecting (the connection, the answer's
   * headers and the endpoint event together) and of every POST; 0 means
   * none. A change applies from the next operation.
   *
   * Since: 1.0
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:sse-read-timeout:
   *
   * How long in seconds the stream may stay silent before the connection
   * is closed with %MCP_SSE_ERROR_READ_TIMEOUT; 0 means for ever. The
   * timer starts when the answer's headers arrive and restarts on every
   * byte, comments included. A change applies from the next byte.
   *
   * Since: 1.0
   */
  properties[PROP_SSE_READ_TIMEOUT] =
    g_param_spec_double ("sse-read-timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:session:
   *
   * The HTTP session of the manager. When none is given at construction
   * the manager makes its own; a given session is used as it is (see the
   * class description for what it needs).
   *
   * Since: 1.0
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:auth:
   *
   * Credentials for the server: the value of
   * soup_auth_get_authorization() is sent as `Authorization` on the GET
   * and on every POST, which all go to the origin of the URL. Any
   * [class@Soup.Auth] works, an application's own subclass included (for
   * instance for a bearer token).
   *
   * Since: 1.0
   */
  properties[PROP_AUTH] =
    g_param_spec_object ("auth", NULL, NULL,
                         SOUP_TYPE_AUTH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:endpoint:
   *
   * The absolute URI that messages are POSTed to, from the server's
   * `endpoint` event; %NULL unless connected.
   *
   * Since: 1.0
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:max-event-size:
   *
   * The largest event the manager accepts, in bytes; 0 means no limit.
   * A larger event is dropped and reported on [signal@Transport::error]
   * with %MCP_SSE_ERROR_EVENT_TOO_LARGE; the stream goes on.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_EVENT_SIZE] =
    g_param_spec_uint64 ("max-event-size", NULL, NULL,
                         0, G_MAXUINT64, MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, PROP_STATE, properties);

  g_object_class_override_property (object_class, PROP_STATE, "state");
  properties[PROP_STATE] = g_object_class_find_property (object_class, "state");
  g_object_class_override_property (object_class, PROP_PROTOCOL_VERSION, "protocol-version");
  properties[PROP_PROTOCOL_VERSION] = g_object_class_find_property (object_class, "protocol-version");

  /**
   * McpSseConnectionManager::event:
   * @self: the manager
   * @event: the event
   *
   * Emitted for every event on the stream, before it is interpreted:
   * `endpoint`, `message` and event types the manager does not know.
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
                  MCP_SSE_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[EVENT],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  transport_message_signal = g_signal_lookup ("message", MCP_SSE_TYPE_TRANSPORT);
  transport_error_signal = g_signal_lookup ("error", MCP_SSE_TYPE_TRANSPORT);
  transport_closed_signal = g_signal_lookup ("closed", MCP_SSE_TYPE_TRANSPORT);
}

static void
mcp_sse_connection_manager_init (McpSseConnectionManager *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  self->timeout = MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT;
  self->sse_read_timeout = MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT;
  self->max_event_size = MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE;
  self->state = MCP_SSE_CONNECTION_STATE_DISCONNECTED;
}

/* Public API */

/**
 * mcp_sse_connection_manager_new:
 * @url: the URL of the server's event stream
 *
 * Creates a manager for @url with the default timeouts and its own
 * session. Nothing happens on the network before
 * [method@ConnectionManager.start_async].
 *
 * Returns: (transfer full): a new manager
 *
 * Since: 1.0
 */
McpSseConnectionManager *
mcp_sse_connection_manager_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (MCP_SSE_TYPE_CONNECTION_MANAGER, "url", url, NULL);
}

static void
set_header_from_table (gpointer key,
                       gpointer value,
                       gpointer user_data)
{
  mcp_sse_connection_manager_set_header (user_data, key, value);
}

/**
 * mcp_sse_connection_manager_new_full:
 * @url: the URL of the server's event stream
 * @headers: (nullable) (element-type utf8 utf8): headers to send on the GET
 *   and on every POST
 * @timeout: the deadline of connecting and of every POST, in seconds; 0 for none
 * @sse_read_timeout: how long the stream may stay silent, in seconds; 0 for ever
 * @session: (nullable): the HTTP session to use, or %NULL for one of its own
 *
 * Creates a manager with every setting of mcp-use's `SseConnectionManager`.
 *
 * Returns: (transfer full): a new manager
 *
 * Since: 1.0
 */
McpSseConnectionManager *
mcp_sse_connection_manager_new_full (const char  *url,
                                     GHashTable  *headers,
                                     double       timeout,
                                     double       sse_read_timeout,
                                     SoupSession *session)
{
  McpSseConnectionManager *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (timeout >= 0, NULL);
  g_return_val_if_fail (sse_read_timeout >= 0, NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  self = g_object_new (MCP_SSE_TYPE_CONNECTION_MANAGER,
                       "url", url,
                       "timeout", timeout,
                       "sse-read-timeout", sse_read_timeout,
                       "session", session,
                       NULL);
  if (headers != NULL)
    g_hash_table_foreach (headers, set_header_from_table, self);

  return self;
}

static gboolean
is_token (const char *name)
{
  static const char separators[] = "()<>@,;:\\\"/[]?={} \t";
  const char *p;

  if (*name == '\0')
    return FALSE;

  for (p = name; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f || strchr (separators, *p) != NULL)
      return FALSE;

  return TRUE;
}

/**
 * mcp_sse_connection_manager_set_header:
 * @self: a manager
 * @name: the header name, an HTTP token
 * @value: (nullable): the value, or %NULL to remove the header
 *
 * Adds or replaces a header sent on the GET and on every later POST.
 * Names are compared case-insensitively. The value must not contain CR
 * or LF.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_header (McpSseConnectionManager *self,
                                       const char              *name,
                                       const char              *value)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (name != NULL && is_token (name));
  g_return_if_fail (value == NULL || strpbrk (value, "\r\n") == NULL);

  if (value != NULL)
    soup_message_headers_replace (self->headers, name, value);
  else
    soup_message_headers_remove (self->headers, name);
}

/**
 * mcp_sse_connection_manager_start_async:
 * @self: a manager
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called once the endpoint is accepted or the
 *   start failed
 * @user_data: data for @callback
 *
 * Opens the event stream: GETs the URL with `Accept: text/event-stream`,
 * requires a 2xx answer of type `text/event-stream`, waits for the
 * `endpoint` event, resolves it against the URL and requires it to be on
 * the same origin. [property@ConnectionManager:timeout] bounds all of it.
 *
 * Starting again after the connection closed opens a new connection;
 * starting while connecting or connected fails with %G_IO_ERROR_PENDING.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_start_async (McpSseConnectionManager *self,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data)
{
  mcp_sse_transport_start_async (MCP_SSE_TRANSPORT (self), cancellable, callback, user_data);
}

/**
 * mcp_sse_connection_manager_start_finish:
 * @self: a manager
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@ConnectionManager.start_async].
 *
 * Returns: %TRUE when connected, %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
mcp_sse_connection_manager_start_finish (McpSseConnectionManager  *self,
                                         GAsyncResult             *result,
                                         GError                  **error)
{
  return mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (self), result, error);
}

/**
 * mcp_sse_connection_manager_send_async:
 * @self: a manager
 * @message: a JSON-RPC message; the caller keeps its reference
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server answered the POST
 * @user_data: data for @callback
 *
 * POSTs @message to the endpoint as `application/json`. Any 2xx answer is
 * success; the response to a request arrives later on the stream. A
 * failed POST fails only this send. [property@ConnectionManager:timeout]
 * bounds it, and sends do not wait for one another.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_send_async (McpSseConnectionManager *self,
                                       JsonNode                *message,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data)
{
  mcp_sse_transport_send_async (MCP_SSE_TRANSPORT (self), message, cancellable, callback, user_data);
}

/**
 * mcp_sse_connection_manager_send_finish:
 * @self: a manager
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@ConnectionManager.send_async].
 *
 * Returns: %TRUE when the server accepted the message
 *
 * Since: 1.0
 */
gboolean
mcp_sse_connection_manager_send_finish (McpSseConnectionManager  *self,
                                        GAsyncResult             *result,
                                        GError                  **error)
{
  return mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (self), result, error);
}

/**
 * mcp_sse_connection_manager_stop:
 * @self: a manager
 *
 * Closes the connection at once. It never blocks, may be called from any
 * signal handler, and does nothing when the manager is not connecting or
 * connected.
 *
 * Before it returns the state is %MCP_SSE_CONNECTION_STATE_CLOSED and, if
 * the manager was connected, [signal@Transport::closed] was emitted with
 * a %NULL error. A start in progress fails with %G_IO_ERROR_CANCELLED, and
 * so do the sends in flight; their callbacks run after this returns.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_stop (McpSseConnectionManager *self)
{
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (self));
}

/**
 * mcp_sse_connection_manager_get_url:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:url].
 *
 * Returns: the URL of the event stream
 *
 * Since: 1.0
 */
const char *
mcp_sse_connection_manager_get_url (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return self->url;
}

/**
 * mcp_sse_connection_manager_get_endpoint:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:endpoint].
 *
 * Returns: (nullable): the absolute URI messages are POSTed to, or %NULL
 *   when not connected
 *
 * Since: 1.0
 */
const char *
mcp_sse_connection_manager_get_endpoint (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return self->endpoint;
}

/**
 * mcp_sse_connection_manager_get_state:
 * @self: a manager
 *
 * Gets [property@Transport:state].
 *
 * Returns: the state of the connection
 *
 * Since: 1.0
 */
McpSseConnectionState
mcp_sse_connection_manager_get_state (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), MCP_SSE_CONNECTION_STATE_CLOSED);

  return self->state;
}

/**
 * mcp_sse_connection_manager_get_session:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:session].
 *
 * Returns: (transfer none): the HTTP session
 *
 * Since: 1.0
 */
SoupSession *
mcp_sse_connection_manager_get_session (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return self->session;
}

/**
 * mcp_sse_connection_manager_get_timeout:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:timeout].
 *
 * Returns: the deadline of connecting and of every POST, in seconds
 *
 * Since: 1.0
 */
double
mcp_sse_connection_manager_get_timeout (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), 0);

  return self->timeout;
}

/**
 * mcp_sse_connection_manager_set_timeout:
 * @self: a manager
 * @timeout: the deadline in seconds, 0 for none
 *
 * Sets [property@ConnectionManager:timeout].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_timeout (McpSseConnectionManager *self,
                                        double                   timeout)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (timeout >= 0);

  if (self->timeout == timeout)
    return;

  self->timeout = timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * mcp_sse_connection_manager_get_sse_read_timeout:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:sse-read-timeout].
 *
 * Returns: how long the stream may stay silent, in seconds
 *
 * Since: 1.0
 */
double
mcp_sse_connection_manager_get_sse_read_timeout (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), 0);

  return self->sse_read_timeout;
}

/**
 * mcp_sse_connection_manager_set_sse_read_timeout:
 * @self: a manager
 * @sse_read_timeout: the longest silence in seconds, 0 for no limit
 *
 * Sets [property@ConnectionManager:sse-read-timeout].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_sse_read_timeout (McpSseConnectionManager *self,
                                                 double                   sse_read_timeout)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (sse_read_timeout >= 0);

  if (self->sse_read_timeout == sse_read_timeout)
    return;

  self->sse_read_timeout = sse_read_timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SSE_READ_TIMEOUT]);
}

/**
 * mcp_sse_connection_manager_get_max_event_size:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:max-event-size].
 *
 * Returns: the largest event in bytes, 0 for no limit
 *
 * Since: 1.0
 */
guint64
mcp_sse_connection_manager_get_max_event_size (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), 0);

  return self->max_event_size;
}

/**
 * mcp_sse_connection_manager_set_max_event_size:
 * @self: a manager
 * @max_event_size: the largest event in bytes, 0 for no limit
 *
 * Sets [property@ConnectionManager:max-event-size].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_max_event_size (McpSseConnectionManager *self,
                                               guint64                  max_event_size)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));

  if (self->max_event_size == max_event_size)
    return;

  self->max_event_size = max_event_size;
  if (self->connection != NULL)
    mcp_sse_event_parser_set_max_event_size (self->connection->parser, max_event_size);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_EVENT_SIZE]);
}

/**
 * mcp_sse_connection_manager_get_auth:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:auth].
 *
 * Returns: (transfer none) (nullable): the credentials, or %NULL
 *
 * Since: 1.0
 */
SoupAuth *
mcp_sse_connection_manager_get_auth (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return self->auth;
}

/**
 * mcp_sse_connection_manager_set_auth:
 * @self: a manager
 * @auth: (nullable): the credentials, or %NULL for none
 *
 * Sets [property@ConnectionManager:auth].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_auth (McpSseConnectionManager *self,
                                     SoupAuth                *auth)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (auth == NULL || SOUP_IS_AUTH (auth));

  if (g_set_object (&self->auth, auth))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
}

/**
 * mcp_sse_connection_manager_get_protocol_version:
 * @self: a manager
 *
 * Gets [property@Transport:protocol-version].
 *
 * Returns: (nullable): the MCP protocol version sent on every POST, or %NULL
 *
 * Since: 1.0
 */
const char *
mcp_sse_connection_manager_get_protocol_version (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return self->protocol_version;
}

/**
 * mcp_sse_connection_manager_set_protocol_version:
 * @self: a manager
 * @protocol_version: (nullable): the MCP protocol version, or %NULL for none
 *
 * Sets [property@Transport:protocol-version]: every later POST carries it
 * as `MCP-Protocol-Version`.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_protocol_version (McpSseConnectionManager *self,
                                                 const char              *protocol_version)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (protocol_version == NULL || strpbrk (protocol_version, "\r\n") == NULL);

  if (g_strcmp0 (self->protocol_version, protocol_version) == 0)
    return;

  g_free (self->protocol_version);
  self->protocol_version = g_strdup (protocol_version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_VERSION]);
}
