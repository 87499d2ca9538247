/* mcp-sse-demo-server.c: a small MCP server, over HTTP+SSE on SoupServer
 * or over stdio
 *
 * A Session holds what one client sees: its calls in progress and the
 * frames not yet written. It knows nothing of the wire: it frames each
 * message with the prefix and suffix of its SessionWire and hands whole
 * frames to the wire's write(). The wire reports written bytes back with
 * session_wrote(), and delivers what it reads to session_handle_message().
 * Two wires: an SSE stream answered with POSTs (SseSession), and lines on
 * a pair of streams (StdioSession).
 *
 * Streamable HTTP on /mcp keeps an HttpSession per MCP session, which has
 * no wire of its own: each POSTed tools/call is answered by a Session of
 * its own on the SSE wire (its progress and notifications, then its
 * response, then the end of the stream), and so is the GET stream; other
 * requests are answered as JSON by a Session whose wire collects the text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>

#include "mcp-sse-demo-server.h"
#include "mcp-sse-json-writer-private.h"

/* A stream is written in chunks of about this size, and a flood produces
 * its next batch only when less than this is still waiting for the socket. */
#define BATCH_SIZE (64 * 1024)

/* A POST is refused (503), and a stdio session reads no further line,
 * while the session has more unsent data than this, so that a client that
 * never reads cannot make us buffer forever. */
#define MAX_BACKLOG (8 * 1024 * 1024)

/* The largest POST body, as in the TypeScript SDK's server, and the
 * largest line of a stdio session. */
#define MAX_MESSAGE_SIZE (4 * 1024 * 1024)

/* What a stdio session reads at a time. */
#define READ_SIZE (64 * 1024)

/* Running slow and flood calls per session. */
#define MAX_CALLS 64

#define MAX_SLOW_STEPS 10000
#define MAX_SLOW_INTERVAL_MS 60000
#define MAX_FLOOD_COUNT G_GUINT64_CONSTANT (100000000)
#define MAX_FLOOD_SIZE (32 * 1024 * 1024)

/* Open Streamable HTTP sessions, and the streams of one at a time. */
#define MAX_HTTP_SESSIONS 1024
#define MAX_HTTP_STREAMS MAX_CALLS

#define LATEST_PROTOCOL_VERSION "2025-11-25"

static const char * const protocol_versions[] = {
  "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", NULL
};

static const char tools_json[] =
  "{\"tools\": ["
  "  {\"name\": \"echo\","
  "   \"description\": \"Echoes a message back\","
  "   \"inputSchema\": {\"type\": \"object\","
  "                     \"properties\": {\"message\": {\"type\": \"string\", \"description\": \"The message to echo\"}},"
  "                     \"required\": [\"message\"]}},"
  "  {\"name\": \"add\","
  "   \"description\": \"Adds two numbers\","
  "   \"inputSchema\": {\"type\": \"object\","
  "                     \"properties\": {\"a\": {\"type\": \"number\"}, \"b\": {\"type\": \"number\"}},"
  "                     \"required\": [\"a\", \"b\"]},"
  "   \"outputSchema\": {\"type\": \"object\","
  "                      \"properties\": {\"sum\": {\"type\": \"number\"}},"
  "                      \"required\": [\"sum\"]}},"
  "  {\"name\": \"slow\","
  "   \"description\": \"Takes a number of steps, reporting progress after each\","
  "   \"inputSchema\": {\"type\": \"object\","
  "                     \"properties\": {\"steps\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 10000, \"default\": 5},"
  "                                    \"interval_ms\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 60000, \"default\": 100}}}},"
  "  {\"name\": \"flood\","
  "   \"description\": \"Sends count log notifications of about size bytes each, as fast as they are read\","
  "   \"inputSchema\": {\"type\": \"object\","
  "                     \"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 100000000, \"default\": 10},"
  "                                    \"size\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 33554432, \"default\": 256}}}}"
  "]}";

typedef struct _Session Session;

typedef enum
{
  CALL_SLOW,
  CALL_FLOOD,
} CallKind;

/* A tools/call that outlives its POST. */
typedef struct
{
  Session *session;
  CallKind kind;
  JsonNode *id;              /* NULL for the flood of a GET ?flood=N */
  JsonNode *progress_token;  /* slow: nullable */
  GSource *timer;            /* slow */
  guint64 done;              /* steps taken, or messages sent */
  guint64 total;
  guint interval_ms;
  gsize size;
} Call;

/* How a session's frames travel. */
typedef struct
{
  /* Each message is written as frame_start, its JSON text, frame_end. */
  const char *frame_start;
  const char *frame_end;
  /* Takes @bytes, whole frames, to write after those it was given before;
   * reports them with session_wrote() once written. */
  void (*write) (Session *session,
                 GBytes  *bytes);
  /* Called once, when the session ends: no more frames come. The wire
   * writes what it was given, then lets the session go. */
  void (*end)   (Session *session);
  /* The stream answers one request: it ends after the response. */
  gboolean end_after_reply;
} SessionWire;

struct _Session
{
  McpSseDemoServer *server;
  const SessionWire *wire;
  GString *batch;            /* frames not yet handed to the wire */
  gsize unwritten;           /* bytes handed to the wire, not yet written */
  GQueue calls;
  guint batch_writes : 1;
  guint ending : 1;
  guint counted : 1;         /* in n-sessions: not the streams of /mcp */
};

typedef struct _HttpSession HttpSession;

/* A session on an SSE stream: the response to a GET /sse. */
typedef struct
{
  Session session;
  char *id;
  SoupServerMessage *msg;
  SoupMessageBody *body;
  GSource *hangup_watch;
  HttpSession *owner;        /* a stream of /mcp: its session, until deleted */
  guint headers_written : 1;
} SseSession;

/* A Streamable HTTP session: its streams are SseSessions in the server's
 * http_streams whose owner it is. */
struct _HttpSession
{
  char *id;
  guint n_streams;
  SseSession *get_stream;
};

/* Collects the JSON text of a response to a POST on /mcp. */
typedef struct
{
  Session session;
  GString *text;
} JsonSession;

/* A session on a pair of streams, one JSON-RPC message per line. */
typedef struct
{
  Session session;
  GTask *task;
  GInputStream *input;
  GOutputStream *output;
  GCancellable *read_cancellable;   /* cancelled when the session ends */
  GCancellable *cancellable;        /* writes; cancelled with the task's */
  GSource *cancelled_source;
  GByteArray *line;                 /* the start of a line not yet complete */
  GQueue pending;                   /* GBytes not yet written, the first being written */
  GError *error;
  guint reading : 1;
  guint writing : 1;
  guint flushing : 1;
  guint paused : 1;                 /* not reading until the backlog drains */
  guint discarding : 1;             /* skipping the rest of a line too long */
} StdioSession;

/* An accepted connection, while libsoup holds it. */
typedef struct
{
  McpSseDemoServer *server;
  GSocketConnection *connection;  /* weak */
  char *remote;                   /* its remote address, the key */
} Connection;

struct _McpSseDemoServer
{
  GObject parent_instance;

  GMainContext *context;
  SoupServer *soup_server;
  GSocketListener *listener;
  GCancellable *accept_cancellable;
  GHashTable *connections;   /* remote address -> Connection */
  GHashTable *sessions;      /* id -> SseSession, ending ones included */
  GHashTable *http_sessions; /* id -> HttpSession */
  GQueue http_streams;       /* SseSession: the streams of /mcp until finished */
  GQueue stdio_sessions;     /* StdioSession, until their task returns */
  guint port;
  char *url;
  guint n_sessions;
  gboolean batch_writes;
  gboolean keep_alive;
};

enum {
  PROP_0,
  PROP_BATCH_WRITES,
  PROP_N_SESSIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (McpSseDemoServer, mcp_sse_demo_server, G_TYPE_OBJECT)

static void session_pump (Session *session);
static void session_end (Session *session);

/* Writing frames */

static void
session_init (Session           *session,
              McpSseDemoServer  *server,
              const SessionWire *wire,
              gboolean           batch_writes)
{
  session->server = server;
  session->wire = wire;
  session->batch_writes = batch_writes;
  session->batch = g_string_sized_new (256);
  session->counted = TRUE;
  g_queue_init (&session->calls);
}

static void
session_flush (Session *session)
{
  GBytes *bytes;

  if (session->batch->len == 0)
    return;

  session->unwritten += session->batch->len;
  bytes = g_string_free_to_bytes (session->batch);
  session->batch = g_string_sized_new (session->batch_writes ? BATCH_SIZE + 1024 : 256);
  session->wire->write (session, bytes);
  g_bytes_unref (bytes);
}

/* The wire wrote @size bytes of what it was given. */
static void
session_wrote (Session *session,
               gsize    size)
{
  session->unwritten -= MIN (size, session->unwritten);
  session_pump (session);
}

/* Bytes framed but not written yet. */
static gsize
session_get_backlog (Session *session)
{
  return session->unwritten + session->batch->len;
}

/* Called after each frame appended to session->batch. */
static void
session_frame_done (Session *session)
{
  if (!session->batch_writes || session->batch->len >= BATCH_SIZE)
    session_flush (session);
}

static void
session_send (Session  *session,
              JsonNode *message)
{
  if (session->ending)
    return;

  g_string_append (session->batch, session->wire->frame_start);
  mcp_sse_json_writer_append (session->batch, message, FALSE);
  g_string_append (session->batch, session->wire->frame_end);
  session_frame_done (session);
}

/* A JSON-RPC message to fill in: {"jsonrpc": "2.0"}. */
static JsonObject *
message_new (void)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "jsonrpc", "2.0");
  return object;
}

/* Sends the message @object and takes it. */
static void
session_send_object (Session    *session,
                     JsonObject *object)
{
  JsonNode *node = json_node_alloc ();

  json_node_init_object (node, object);
  json_object_unref (object);
  session_send (session, node);
  json_node_unref (node);
}

static void
session_reply (Session  *session,
               JsonNode *id,
               JsonNode *result)
{
  JsonObject *object = message_new ();

  json_object_set_member (object, "id", json_node_copy (id));
  json_object_set_member (object, "result", result);
  session_send_object (session, object);
}

static void
session_reply_error (Session    *session,
                     JsonNode   *id,
                     int         code,
                     const char *format,
                     ...) G_GNUC_PRINTF (4, 5);

static void
session_reply_error (Session    *session,
                     JsonNode   *id,
                     int         code,
                     const char *format,
                     ...)
{
  JsonObject *object = message_new ();
  JsonObject *error = json_object_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_object_set_int_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  if (id != NULL)
    json_object_set_member (object, "id", json_node_copy (id));
  else
    json_object_set_null_member (object, "id");
  json_object_set_object_member (object, "error", error);
  session_send_object (session, object);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

/* {"content": [{"type": "text", "text": ...}]}, plus "isError": true
 * for a failed call. */
static JsonNode *
text_result (gboolean    is_error,
             const char *text)
{
  JsonObject *result = json_object_new ();
  JsonObject *item = json_object_new ();
  JsonArray *content = json_array_new ();

  json_object_set_string_member (item, "type", "text");
  json_object_set_string_member (item, "text", text);
  json_array_add_object_element (content, item);
  json_object_set_array_member (result, "content", content);
  if (is_error)
    json_object_set_boolean_member (result, "isError", TRUE);

  return object_node (result);
}

/* Calls in progress */

static void
call_free (Call *call)
{
  if (call->timer != NULL)
    {
      g_source_destroy (call->timer);
      g_source_unref (call->timer);
    }
  g_clear_pointer (&call->id, json_node_unref);
  g_clear_pointer (&call->progress_token, json_node_unref);
  g_free (call);
}

static Call *
call_new (Session  *session,
          CallKind  kind,
          JsonNode *id)
{
  Call *call = g_new0 (Call, 1);

  call->session = session;
  call->kind = kind;
  call->id = id != NULL ? json_node_copy (id) : NULL;
  g_queue_push_tail (&session->calls, call);

  return call;
}

static void
call_finish (Call     *call,
             JsonNode *result)
{
  Session *session = call->session;

  g_queue_remove (&session->calls, call);
  if (call->id != NULL)
    session_reply (session, call->id, result);
  else
    json_node_unref (result);
  call_free (call);

  if (session->wire->end_after_reply)
    session_end (session);
}

static Call *
session_find_call (Session  *session,
                   JsonNode *id)
{
  for (GList *l = session->calls.head; l != NULL; l = l->next)
    {
      Call *call = l->data;

      if (call->id != NULL && json_node_equal (call->id, id))
        return call;
    }

  return NULL;
}

static Call *
session_first_flood (Session *session)
{
  for (GList *l = session->calls.head; l != NULL; l = l->next)
    {
      Call *call = l->data;

      if (call->kind == CALL_FLOOD)
        return call;
    }

  return NULL;
}

/* The session lifecycle */

static void
server_count_session (McpSseDemoServer *self,
                      int               delta)
{
  self->n_sessions += delta;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SESSIONS]);
}

static void
session_drop_calls (Session *session)
{
  Call *call;

  while ((call = g_queue_pop_head (&session->calls)) != NULL)
    call_free (call);
}

/* Ends the session cleanly: calls in progress are dropped, the frames
 * already made are written; the wire frees the session when it is done. */
static void
session_end (Session *session)
{
  if (session->ending)
    return;

  session_flush (session);
  session->ending = TRUE;
  session_drop_calls (session);
  session->wire->end (session);
  if (session->counted)
    server_count_session (session->server, -1);
}

/* Frees what session_init() made. */
static void
session_clear (Session *session)
{
  session_drop_calls (session);
  g_string_free (session->batch, TRUE);
}

/* The SSE wire: frames are `message` events of the GET's response body,
 * written as libsoup drains them. */

static void
sse_session_stop_watching (SseSession *session)
{
  if (session->hangup_watch != NULL)
    {
      g_source_destroy (session->hangup_watch);
      g_clear_pointer (&session->hangup_watch, g_source_unref);
    }
}

static void
sse_session_write (Session *session,
                   GBytes  *bytes)
{
  SseSession *sse = (SseSession *) session;

  soup_message_body_append_bytes (sse->body, bytes);

  /* Before the headers are out, libsoup picks the chunk up by itself. */
  if (sse->headers_written)
    soup_server_message_unpause (sse->msg);
}

/* The session is freed once libsoup is done. */
static void
sse_session_end (Session *session)
{
  SseSession *sse = (SseSession *) session;

  sse_session_stop_watching (sse);
  soup_message_body_complete (sse->body);
  soup_server_message_unpause (sse->msg);
}

static const SessionWire sse_wire = {
  .frame_start = "event: message\ndata: ",
  .frame_end = "\n\n",
  .write = sse_session_write,
  .end = sse_session_end,
};

static void
sse_session_free (SseSession *session)
{
  session_clear (&session->session);
  sse_session_stop_watching (session);
  g_signal_handlers_disconnect_by_data (session->msg, session);
  g_clear_object (&session->msg);
  g_free (session->id);
  g_free (session);
}

static void
on_finished (SoupServerMessage *msg,
             SseSession        *session)
{
  McpSseDemoServer *self = session->session.server;

  if (!session->session.ending)
    server_count_session (self, -1);
  g_hash_table_remove (self->sessions, session->id);
  sse_session_free (session);
}

static void
on_wrote_headers (SoupServerMessage *msg,
                  SseSession        *session)
{
  session->headers_written = TRUE;
}

static void
on_wrote_body_data (SoupServerMessage *msg,
                    guint              chunk_size,
                    SseSession        *session)
{
  session_wrote (&session->session, chunk_size);
}

/* While a stream waits for something to send, libsoup does not read its
 * socket, so it would not notice the client going away; this does. */
static gboolean
on_socket_condition (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  SseSession *session = user_data;
  char byte;
  gssize n;

  n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&session->hangup_watch, g_source_unref);
  /* n > 0: the client sent more bytes; not ours to read, stop watching. */
  if (n <= 0)
    session_end (&session->session);

  return G_SOURCE_REMOVE;
}

/* Connections */

/* The server accepts connections itself and hands them to libsoup with
 * soup_server_accept_iostream(): libsoup 3.2's own listener leaks every
 * socket it accepts. libsoup gives no socket for a connection it did not
 * accept, so the server keeps its own, found by the remote address. */

static void
on_connection_finalized (gpointer  data,
                         GObject  *where_the_connection_was)
{
  Connection *connection = data;

  connection->connection = NULL;
  g_hash_table_remove (connection->server->connections, connection->remote);
}

static void
connection_free (Connection *connection)
{
  if (connection->connection != NULL)
    g_object_weak_unref (G_OBJECT (connection->connection), on_connection_finalized, connection);
  g_free (connection->remote);
  g_free (connection);
}

static void
server_track_connection (McpSseDemoServer  *self,
                         GSocketConnection *socket_connection,
                         GSocketAddress    *remote)
{
  Connection *connection = g_new0 (Connection, 1);

  connection->server = self;
  connection->connection = socket_connection;
  connection->remote = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote));
  g_object_weak_ref (G_OBJECT (socket_connection), on_connection_finalized, connection);
  /* Replaces (and frees) a closed connection's record from the same port
   * that libsoup has not released yet. */
  g_hash_table_replace (self->connections, connection->remote, connection);
}

/* The socket of the connection @msg arrived on, or NULL. */
static GSocket *
server_lookup_socket (McpSseDemoServer  *self,
                      SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autofree char *key = NULL;
  Connection *connection;

  if (remote == NULL)
    return NULL;

  key = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (remote));
  connection = g_hash_table_lookup (self->connections, key);
  return connection != NULL ? g_socket_connection_get_socket (connection->connection) : NULL;
}

static void server_accept_next (McpSseDemoServer *self);

static void
server_accept (McpSseDemoServer  *self,
               GSocketConnection *connection)
{
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;

  local = g_socket_connection_get_local_address (connection, &error);
  if (local != NULL)
    remote = g_socket_connection_get_remote_address (connection, &error);
  if (remote == NULL)
    {
      /* The client is already gone. */
      g_debug ("Dropping a connection: %s", error->message);
      return;
    }

  server_track_connection (self, connection, remote);
  if (!soup_server_accept_iostream (self->soup_server, G_IO_STREAM (connection), local, remote, &error))
    g_warning ("Cannot serve a connection: %s", error->message);
}

static void
on_accepted (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  McpSseDemoServer *self = user_data;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the server is gone */

  /* Connections are served from the server's context, whatever context
   * dispatched this. */
  g_main_context_push_thread_default (self->context);
  if (connection != NULL)
    server_accept (self, connection);
  else
    g_warning ("Cannot accept a connection: %s", error->message);
  server_accept_next (self);
  g_main_context_pop_thread_default (self->context);
}

static void
server_accept_next (McpSseDemoServer *self)
{
  g_main_context_push_thread_default (self->context);
  g_socket_listener_accept_async (self->listener, self->accept_cancellable, on_accepted, self);
  g_main_context_pop_thread_default (self->context);
}

static void
sse_session_watch_socket (SseSession *session)
{
  McpSseDemoServer *self = session->session.server;
  GSocket *socket = server_lookup_socket (self, session->msg);

  if (socket == NULL)
    return;

  session->hangup_watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (session->hangup_watch, G_SOURCE_FUNC (on_socket_condition), session, NULL);
  g_source_attach (session->hangup_watch, self->context);
}

/* Tools */

/* Reads the integer argument @name of @arguments into @value: @fallback
 * when absent, FALSE when not an integer in 0..@max. */
static gboolean
get_count_argument (JsonObject *arguments,
                    const char *name,
                    guint64     fallback,
                    guint64     max,
                    guint64    *value)
{
  JsonNode *node = arguments != NULL ? json_object_get_member (arguments, name) : NULL;
  gint64 number;

  if (node == NULL)
    {
      *value = fallback;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  number = json_node_get_int (node);
  if (number < 0 || (guint64) number > max)
    return FALSE;

  *value = number;
  return TRUE;
}

static gboolean
get_number_argument (JsonObject *arguments,
                     const char *name,
                     JsonNode  **value)
{
  JsonNode *node = arguments != NULL ? json_object_get_member (arguments, name) : NULL;
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  *value = node;
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static JsonNode *
tool_echo (JsonObject *arguments)
{
  JsonNode *message = arguments != NULL ? json_object_get_member (arguments, "message") : NULL;
  g_autofree char *text = NULL;

  if (message == NULL || !JSON_NODE_HOLDS_VALUE (message) ||
      json_node_get_value_type (message) != G_TYPE_STRING)
    return text_result (TRUE, "echo needs a string argument \"message\"");

  text = g_strconcat ("Echo: ", json_node_get_string (message), NULL);
  return text_result (FALSE, text);
}

static JsonNode *
tool_add (JsonObject *arguments)
{
  JsonNode *a, *b;
  JsonNode *result;
  JsonObject *structured = json_object_new ();
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  gint64 sum;

  if (!get_number_argument (arguments, "a", &a) || !get_number_argument (arguments, "b", &b))
    {
      json_object_unref (structured);
      return text_result (TRUE, "add needs two number arguments \"a\" and \"b\"");
    }

  if (json_node_get_value_type (a) == G_TYPE_INT64 &&
      json_node_get_value_type (b) == G_TYPE_INT64 &&
      !__builtin_add_overflow (json_node_get_int (a), json_node_get_int (b), &sum))
    {
      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, sum);
      json_object_set_int_member (structured, "sum", sum);
    }
  else
    {
      double fsum = json_node_get_double (a) + json_node_get_double (b);

      if (!isfinite (fsum))
        {
          json_object_unref (structured);
          return text_result (TRUE, "the sum is too large");
        }
      g_ascii_dtostr (text, sizeof text, fsum);
      json_object_set_double_member (structured, "sum", fsum);
    }

  result = text_result (FALSE, text);
  json_object_set_object_member (json_node_get_object (result), "structuredContent", structured);
  return result;
}

static void
slow_send_progress (Call *call)
{
  JsonObject *object = message_new ();
  JsonObject *params = json_object_new ();
  g_autofree char *message = g_strdup_printf ("step %" G_GUINT64_FORMAT, call->done);

  json_object_set_member (params, "progressToken", json_node_copy (call->progress_token));
  json_object_set_int_member (params, "progress", call->done);
  json_object_set_int_member (params, "total", call->total);
  json_object_set_string_member (params, "message", message);
  json_object_set_string_member (object, "method", "notifications/progress");
  json_object_set_object_member (object, "params", params);
  session_send_object (call->session, object);
}

static gboolean
slow_step (gpointer user_data)
{
  Call *call = user_data;
  Session *session = call->session;

  call->done++;
  if (call->progress_token != NULL)
    slow_send_progress (call);

  if (call->done < call->total)
    {
      session_flush (session);
      return G_SOURCE_CONTINUE;
    }

  /* call_finish() destroys the timer; keep the source alive until we return. */
  g_clear_pointer (&call->timer, g_source_unref);
  call_finish (call, text_result (FALSE, "done"));
  session_flush (session);
  return G_SOURCE_REMOVE;
}

static JsonNode *
tool_slow (Session    *session,
           JsonNode   *id,
           JsonObject *arguments,
           JsonNode   *progress_token)
{
  guint64 steps, interval_ms;
  Call *call;

  if (!get_count_argument (arguments, "steps", 5, MAX_SLOW_STEPS, &steps) ||
      !get_count_argument (arguments, "interval_ms", 100, MAX_SLOW_INTERVAL_MS, &interval_ms))
    return text_result (TRUE, "slow takes integers \"steps\" (0 to 10000) and \"interval_ms\" (0 to 60000)");

  if (steps == 0)
    return text_result (FALSE, "done");

  call = call_new (session, CALL_SLOW, id);
  call->total = steps;
  call->interval_ms = interval_ms;
  call->progress_token = progress_token != NULL ? json_node_copy (progress_token) : NULL;
  call->timer = g_timeout_source_new (interval_ms);
  g_source_set_callback (call->timer, slow_step, call, NULL);
  g_source_attach (call->timer, session->server->context);

  return NULL;
}

/* Appends one notifications/message whose JSON text is call->size bytes
 * long, or as short as it can be. */
static void
flood_write_one (Call *call)
{
  GString *batch = call->session->batch;
  gsize start, length;

  call->done++;
  g_string_append (batch, call->session->wire->frame_start);
  start = batch->len;
  g_string_append_printf (batch,
                          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                          "\"params\":{\"level\":\"info\",\"logger\":\"flood\","
                          "\"data\":{\"seq\":%" G_GUINT64_FORMAT ",\"text\":\"",
                          call->done);
  length = batch->len - start + strlen ("\"}}}");
  if (length < call->size)
    {
      gsize padding = call->size - length;

      g_string_set_size (batch, batch->len + padding);
      memset (batch->str + batch->len - padding, 'x', padding);
    }
  g_string_append (batch, "\"}}}");
  g_string_append (batch, call->session->wire->frame_end);
  session_frame_done (call->session);
}

static void
flood_finish (Call *call)
{
  Session *session = call->session;
  g_autofree char *text = g_strdup_printf ("sent %" G_GUINT64_FORMAT, call->total);
  gboolean end_stream = call->id == NULL;

  call_finish (call, text_result (FALSE, text));
  if (end_stream)
    session_end (session);
}

/* Writes flood messages while the socket keeps up: stops once a batch
 * beyond the one being written is queued, and goes on from
 * ::wrote-body-data. */
static void
session_pump (Session *session)
{
  Call *flood;

  while (!session->ending &&
         session->unwritten < BATCH_SIZE &&
         (flood = session_first_flood (session)) != NULL)
    {
      if (flood->done < flood->total)
        flood_write_one (flood);
      else
        flood_finish (flood);
    }

  if (!session->ending)
    session_flush (session);
}

static JsonNode *
tool_flood (Session    *session,
            JsonNode   *id,
            JsonObject *arguments)
{
  guint64 count, size;
  Call *call;

  if (!get_count_argument (arguments, "count", 10, MAX_FLOOD_COUNT, &count) ||
      !get_count_argument (arguments, "size", 256, MAX_FLOOD_SIZE, &size))
    return text_result (TRUE, "flood takes integers \"count\" (0 to 100000000) and \"size\" (0 to 33554432)");

  call = call_new (session, CALL_FLOOD, id);
  call->total = count;
  call->size = size;
  session_pump (session);

  return NULL;
}

static void
handle_tools_call (Session    *session,
                   JsonNode   *id,
                   JsonObject *params)
{
  JsonNode *name_node = params != NULL ? json_object_get_member (params, "name") : NULL;
  JsonNode *arguments_node = params != NULL ? json_object_get_member (params, "arguments") : NULL;
  JsonObject *arguments = NULL;
  JsonNode *progress_token = NULL;
  JsonNode *result = NULL;
  const char *name;

  if (name_node == NULL || !JSON_NODE_HOLDS_VALUE (name_node) ||
      json_node_get_value_type (name_node) != G_TYPE_STRING)
    {
      session_reply_error (session, id, -32602, "Missing tool name");
      return;
    }
  name = json_node_get_string (name_node);

  if (arguments_node != NULL && JSON_NODE_HOLDS_OBJECT (arguments_node))
    arguments = json_node_get_object (arguments_node);
  else if (arguments_node != NULL && !JSON_NODE_HOLDS_NULL (arguments_node))
    {
      session_reply_error (session, id, -32602, "The arguments must be an object");
      return;
    }

  if (json_object_has_member (params, "_meta") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (params, "_meta")))
    progress_token = json_object_get_member (json_object_get_object_member (params, "_meta"),
                                             "progressToken");

  if (g_str_equal (name, "echo"))
    result = tool_echo (arguments);
  else if (g_str_equal (name, "add"))
    result = tool_add (arguments);
  else if (g_str_equal (name, "slow") || g_str_equal (name, "flood"))
    {
      if (g_queue_get_length (&session->calls) >= MAX_CALLS)
        result = text_result (TRUE, "too many calls in progress");
      else if (g_str_equal (name, "slow"))
        result = tool_slow (session, id, arguments, progress_token);
      else
        result = tool_flood (session, id, arguments);
    }
  else
    {
      session_reply_error (session, id, -32602, "Unknown tool: %s", name);
      return;
    }

  /* NULL: the call goes on and answers later. */
  if (result != NULL)
    session_reply (session, id, result);
}

/* JSON-RPC */

static JsonNode *
initialize_result (JsonObject *params)
{
  JsonObject *result = json_object_new ();
  JsonObject *capabilities = json_object_new ();
  JsonObject *tools = json_object_new ();
  JsonObject *server_info = json_object_new ();
  const char *requested = NULL;
  const char *version = LATEST_PROTOCOL_VERSION;

  if (params != NULL && json_object_has_member (params, "protocolVersion"))
    {
      JsonNode *node = json_object_get_member (params, "protocolVersion");

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        requested = json_node_get_string (node);
    }
  if (requested != NULL && g_strv_contains (protocol_versions, requested))
    version = requested;

  json_object_set_boolean_member (tools, "listChanged", TRUE);
  json_object_set_object_member (capabilities, "tools", tools);
  json_object_set_object_member (capabilities, "logging", json_object_new ());
  json_object_set_string_member (server_info, "name", MCP_SSE_DEMO_SERVER_NAME);
  json_object_set_string_member (server_info, "version", PACKAGE_VERSION);
  json_object_set_string_member (result, "protocolVersion", version);
  json_object_set_object_member (result, "capabilities", capabilities);
  json_object_set_object_member (result, "serverInfo", server_info);
  json_object_set_string_member (result, "instructions",
                                "A demonstration server: echo a message, add two numbers, "
                                "watch the progress of a slow call, or flood the stream.");

  return object_node (result);
}

static void
handle_request (Session    *session,
                JsonNode   *id,
                const char *method,
                JsonObject *params)
{
  if (g_str_equal (method, "initialize"))
    session_reply (session, id, initialize_result (params));
  else if (g_str_equal (method, "ping") || g_str_equal (method, "logging/setLevel"))
    session_reply (session, id, object_node (json_object_new ()));
  else if (g_str_equal (method, "tools/list"))
    session_reply (session, id, json_from_string (tools_json, NULL));
  else if (g_str_equal (method, "tools/call"))
    handle_tools_call (session, id, params);
  else
    session_reply_error (session, id, -32601, "Method not found: %s", method);
}

static void
handle_notification (Session    *session,
                     const char *method,
                     JsonObject *params)
{
  JsonNode *request_id;
  Call *call;

  if (!g_str_equal (method, "notifications/cancelled") || params == NULL)
    return;

  request_id = json_object_get_member (params, "requestId");
  if (request_id == NULL)
    return;

  call = session_find_call (session, request_id);
  if (call != NULL)
    {
      g_queue_remove (&session->calls, call);
      call_free (call);
    }
}

static gboolean
is_valid_id (JsonNode *id)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (id))
    return FALSE;

  type = json_node_get_value_type (id);
  return type == G_TYPE_STRING || type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static void
session_handle_message (Session  *session,
                        JsonNode *message)
{
  JsonObject *object;
  JsonNode *id, *method, *params;

  if (!JSON_NODE_HOLDS_OBJECT (message))
    {
      session_reply_error (session, NULL, -32600, "Invalid Request: not an object");
      return;
    }

  object = json_node_get_object (message);
  id = json_object_get_member (object, "id");
  method = json_object_get_member (object, "method");
  params = json_object_get_member (object, "params");

  /* A response: this server sends no requests, so nothing waits for it. */
  if (method == NULL && id != NULL &&
      (json_object_has_member (object, "result") || json_object_has_member (object, "error")))
    return;

  if (method == NULL || !JSON_NODE_HOLDS_VALUE (method) ||
      json_node_get_value_type (method) != G_TYPE_STRING ||
      (id != NULL && !is_valid_id (id)))
    {
      session_reply_error (session, id != NULL && is_valid_id (id) ? id : NULL,
                           -32600, "Invalid Request");
      return;
    }

  if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params))
    {
      if (id != NULL)
        session_reply_error (session, id, -32602, "Invalid params: not an object");
      return;
    }

  if (id != NULL)
    handle_request (session, id, json_node_get_string (method),
                    params != NULL ? json_node_get_object (params) : NULL);
  else
    handle_notification (session, json_node_get_string (method),
                         params != NULL ? json_node_get_object (params) : NULL);
}

/* One JSON-RPC message as the client sent it, or NULL when @data is not
 * one JSON text in UTF-8. */
static JsonNode *
parse_message (const char *data,
               gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (!g_utf8_validate (data, length, NULL) ||
      !json_parser_load_from_data (parser, data, length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  return root != NULL ? json_node_ref (root) : NULL;
}

/* HTTP */

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8",
                                    SOUP_MEMORY_COPY, text, strlen (text));
}

static gboolean
get_query_count (GHashTable *query,
                 const char *name,
                 guint64     fallback,
                 guint64     max,
                 guint64    *value)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;

  *value = fallback;
  return text == NULL || g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL);
}

static void
handle_sse (McpSseDemoServer  *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint64 flood_count, flood_size, batch_writes;
  SseSession *sse;
  Session *session;

  if (!get_query_count (query, "flood", 0, MAX_FLOOD_COUNT, &flood_count) ||
      !get_query_count (query, "size", 256, MAX_FLOOD_SIZE, &flood_size) ||
      !get_query_count (query, "batch", self->batch_writes, 1, &batch_writes))
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST, "Bad query: flood and size take counts, batch 0 or 1\n");
      return;
    }

  sse = g_new0 (SseSession, 1);
  session = &sse->session;
  session_init (session, self, &sse_wire, batch_writes != 0);
  sse->id = g_uuid_string_random ();
  sse->msg = g_object_ref (msg);
  sse->body = soup_server_message_get_response_body (msg);
  g_hash_table_insert (self->sessions, sse->id, sse);
  server_count_session (self, 1);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (sse->body, FALSE);

  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), sse);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), sse);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), sse);
  sse_session_watch_socket (sse);

  g_string_append_printf (session->batch, "event: endpoint\ndata: /message?sessionId=%s\n\n",
                          sse->id);
  session_flush (session);

  if (query != NULL && g_hash_table_contains (query, "flood"))
    {
      Call *call = call_new (session, CALL_FLOOD, NULL);

      call->total = flood_count;
      call->size = flood_size;
      session_pump (session);
    }
}

static void
handle_message_post (McpSseDemoServer  *self,
                     SoupServerMessage *msg,
                     GHashTable        *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *session_id = query != NULL ? g_hash_table_lookup (query, "sessionId") : NULL;
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GBytes) body = NULL;
  SseSession *sse;
  Session *session;

  if (session_id == NULL)
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST, "Missing sessionId\n");
      return;
    }

  sse = g_hash_table_lookup (self->sessions, session_id);
  session = sse != NULL ? &sse->session : NULL;
  if (session == NULL || session->ending)
    {
      respond_text (msg, SOUP_STATUS_NOT_FOUND, "Unknown session\n");
      return;
    }

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST, "Content-Type must be application/json\n");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) > MAX_MESSAGE_SIZE)
    {
      respond_text (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "The message is larger than 4 MiB\n");
      return;
    }

  message = parse_message (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (message == NULL)
    {
      respond_text (msg, SOUP_STATUS_BAD_REQUEST, "Invalid JSON\n");
      return;
    }

  if (session_get_backlog (session) > MAX_BACKLOG)
    {
      respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "The session's stream is not being read\n");
      return;
    }

  respond_text (msg, SOUP_STATUS_ACCEPTED, "Accepted");
  session_handle_message (session, message);
  session_flush (session);
}

static void
refuse_method (SoupServerMessage *msg,
               const char        *allowed)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allowed);
  respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed\n");
}

/* Streamable HTTP on /mcp.
 *
 * POST: `initialize` makes a session, whose id is sent back in
 * Mcp-Session-Id; every other message names it in that header.
 * Notifications and responses are answered 202 with no body; tools/call
 * with a text/event-stream of the call's own messages, its response last;
 * every other request with its response as application/json. Events have
 * no id: the server keeps nothing to resume a broken stream from.
 * GET opens the session's stream for messages not tied to a request; this
 * server sends none there, only a comment at the start. DELETE ends the
 * session: its streams end and nothing of it is kept. */

static void
http_session_free (HttpSession *session)
{
  g_free (session->id);
  g_free (session);
}

static void
http_stream_end (Session *session)
{
  SseSession *stream = (SseSession *) session;

  sse_session_stop_watching (stream);
  soup_message_body_complete (stream->body);
  /* Before the headers are out, libsoup picks the end up by itself. */
  if (stream->headers_written)
    soup_server_message_unpause (stream->msg);
}

static const SessionWire http_stream_wire = {
  .frame_start = "event: message\ndata: ",
  .frame_end = "\n\n",
  .write = sse_session_write,
  .end = http_stream_end,
  .end_after_reply = TRUE,
};

static void
json_session_write (Session *session,
                    GBytes  *bytes)
{
  JsonSession *json = (JsonSession *) session;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_string_append_len (json->text, data, size);
  session_wrote (session, size);
}

static void
json_session_end (Session *session)
{
}

static const SessionWire json_wire = {
  .frame_start = "",
  .frame_end = "",
  .write = json_session_write,
  .end = json_session_end,
};

static void
on_http_stream_finished (SoupServerMessage *msg,
                         SseSession        *stream)
{
  McpSseDemoServer *self = stream->session.server;
  HttpSession *owner = stream->owner;

  if (owner != NULL)
    {
      owner->n_streams--;
      if (owner->get_stream == stream)
        owner->get_stream = NULL;
    }
  g_queue_remove (&self->http_streams, stream);
  sse_session_free (stream);
}

/* Starts the text/event-stream answer to @msg, a stream of @owner. */
static SseSession *
http_stream_new (McpSseDemoServer  *self,
                 HttpSession       *owner,
                 SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SseSession *stream = g_new0 (SseSession, 1);

  session_init (&stream->session, self, &http_stream_wire, self->batch_writes);
  stream->session.counted = FALSE;
  stream->owner = owner;
  stream->msg = g_object_ref (msg);
  stream->body = soup_server_message_get_response_body (msg);
  owner->n_streams++;
  g_queue_push_tail (&self->http_streams, stream);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Mcp-Session-Id", owner->id);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (stream->body, FALSE);

  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers), stream);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), stream);
  g_signal_connect (msg, "finished", G_CALLBACK (on_http_stream_finished), stream);
  sse_session_watch_socket (stream);

  return stream;
}

/* Ends @session's streams and forgets it. */
static void
http_session_delete (McpSseDemoServer *self,
                     HttpSession      *session)
{
  g_autoptr(GList) streams = g_list_copy (self->http_streams.head);

  for (GList *l = streams; l != NULL; l = l->next)
    {
      SseSession *stream = l->data;

      if (stream->owner != session)
        continue;
      stream->owner = NULL;
      session_end (&stream->session);
    }

  g_hash_table_remove (self->http_sessions, session->id);
  server_count_session (self, -1);
}

/* A JSON-RPC error with a null id, as a response body. */
static void
respond_json_rpc_error (SoupServerMessage *msg,
                        guint              status,
                        int                code,
                        const char        *message)
{
  g_autofree char *text = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":null,"
                                           "\"error\":{\"code\":%d,\"message\":\"%s\"}}",
                                           code, message);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    text, strlen (text));
}

/* Whether the Accept header of @msg admits @type ("text/event-stream"). */
static gboolean
accepts (SoupServerMessage *msg,
         const char        *type)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                      "Accept");
  g_autofree char *any_subtype = g_strndup (type, strchr (type, '/') - type + 1);
  g_auto(GStrv) items = NULL;

  if (accept == NULL)
    return FALSE;

  items = g_strsplit (accept, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *parameters = strchr (item, ';');

      if (parameters != NULL)
        *parameters = '\0';
      g_strchomp (item);
      if (g_ascii_strcasecmp (item, type) == 0 || g_str_equal (item, "*/*") ||
          (g_ascii_strncasecmp (item, any_subtype, strlen (any_subtype)) == 0 &&
           g_str_equal (item + strlen (any_subtype), "*")))
        return TRUE;
    }

  return FALSE;
}

/* Checks the headers every request on /mcp may carry, and finds the
 * session named; answers @msg and returns FALSE when they are wrong. */
static gboolean
http_check_request (McpSseDemoServer   *self,
                    SoupServerMessage  *msg,
                    gboolean            session_needed,
                    HttpSession       **session)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *version = soup_message_headers_get_one (headers, "MCP-Protocol-Version");
  const char *session_id = soup_message_headers_get_one (headers, "Mcp-Session-Id");

  *session = NULL;
  if (version != NULL && !g_strv_contains (protocol_versions, version))
    {
      respond_json_rpc_error (msg, SOUP_STATUS_BAD_REQUEST, -32600,
                              "Bad Request: unsupported MCP-Protocol-Version");
      return FALSE;
    }

  if (!session_needed)
    return TRUE;

  if (session_id == NULL)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_BAD_REQUEST, -32600,
                              "Bad Request: Mcp-Session-Id header is required");
      return FALSE;
    }

  *session = g_hash_table_lookup (self->http_sessions, session_id);
  if (*session == NULL)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_NOT_FOUND, -32001, "Session not found");
      return FALSE;
    }

  return TRUE;
}

/* Answers the request @message of @session with JSON. */
static void
http_respond_json (McpSseDemoServer  *self,
                   SoupServerMessage *msg,
                   HttpSession       *session,
                   JsonNode          *message)
{
  JsonSession json = { { 0 }, NULL };
  g_autofree char *text = NULL;
  gsize length;

  session_init (&json.session, self, &json_wire, FALSE);
  json.session.counted = FALSE;
  json.text = g_string_new (NULL);
  session_handle_message (&json.session, message);
  session_flush (&json.session);
  session_clear (&json.session);
  length = json.text->len;
  text = g_string_free (json.text, FALSE);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Mcp-Session-Id", session->id);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

/* Ends the call @params names among the streams of @session: the stream
 * ends without a response. */
static void
http_session_cancel (McpSseDemoServer *self,
                     HttpSession      *session,
                     JsonObject       *params)
{
  JsonNode *request_id = params != NULL ? json_object_get_member (params, "requestId") : NULL;

  if (request_id == NULL)
    return;

  for (GList *l = self->http_streams.head; l != NULL; l = l->next)
    {
      SseSession *stream = l->data;
      Call *call;

      if (stream->owner != session ||
          (call = session_find_call (&stream->session, request_id)) == NULL)
        continue;

      g_queue_remove (&stream->session.calls, call);
      call_free (call);
      session_end (&stream->session);
      return;
    }
}

static void
handle_mcp_post (McpSseDemoServer  *self,
                 SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonObject *object;
  JsonNode *id, *method;
  const char *method_name;
  HttpSession *session;
  SseSession *stream;

  if (!accepts (msg, "application/json") || !accepts (msg, "text/event-stream"))
    {
      respond_json_rpc_error (msg, SOUP_STATUS_NOT_ACCEPTABLE, -32600,
                              "Not Acceptable: the client must accept both application/json and text/event-stream");
      return;
    }

  if (content_type == NULL || g_ascii_strcasecmp (content_type, "application/json") != 0)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, -32600,
                              "Unsupported Media Type: Content-Type must be application/json");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (g_bytes_get_size (body) > MAX_MESSAGE_SIZE)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, -32600,
                              "The message is larger than 4 MiB");
      return;
    }

  message = parse_message (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  if (message == NULL)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_BAD_REQUEST, -32700, "Parse error");
      return;
    }

  /* Batches (2025-03-26 only) are not supported. */
  if (!JSON_NODE_HOLDS_OBJECT (message))
    {
      respond_json_rpc_error (msg, SOUP_STATUS_BAD_REQUEST, -32600, "Invalid Request: not an object");
      return;
    }

  object = json_node_get_object (message);
  id = json_object_get_member (object, "id");
  method = json_object_get_member (object, "method");
  method_name = method != NULL && JSON_NODE_HOLDS_VALUE (method) &&
                json_node_get_value_type (method) == G_TYPE_STRING
                ? json_node_get_string (method) : NULL;

  if (method_name != NULL && id != NULL && is_valid_id (id) &&
      g_str_equal (method_name, "initialize"))
    {
      if (!http_check_request (self, msg, FALSE, &session))
        return;
      if (g_hash_table_size (self->http_sessions) >= MAX_HTTP_SESSIONS)
        {
          respond_json_rpc_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, -32603, "Too many sessions");
          return;
        }

      session = g_new0 (HttpSession, 1);
      session->id = g_uuid_string_random ();
      g_hash_table_insert (self->http_sessions, session->id, session);
      server_count_session (self, 1);
      http_respond_json (self, msg, session, message);
      return;
    }

  if (!http_check_request (self, msg, TRUE, &session))
    return;

  /* A notification or a response (the server sends no requests). */
  if ((method_name != NULL && id == NULL) ||
      (method == NULL && id != NULL &&
       (json_object_has_member (object, "result") || json_object_has_member (object, "error"))))
    {
      if (method_name != NULL && g_str_equal (method_name, "notifications/cancelled"))
        {
          JsonNode *params = json_object_get_member (object, "params");

          http_session_cancel (self, session,
                               params != NULL && JSON_NODE_HOLDS_OBJECT (params)
                               ? json_node_get_object (params) : NULL);
        }
      soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
      return;
    }

  if (method_name == NULL || id == NULL || !is_valid_id (id))
    {
      respond_json_rpc_error (msg, SOUP_STATUS_BAD_REQUEST, -32600, "Invalid Request");
      return;
    }

  if (!g_str_equal (method_name, "tools/call"))
    {
      http_respond_json (self, msg, session, message);
      return;
    }

  if (session->n_streams >= MAX_HTTP_STREAMS)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, -32603, "Too many calls in progress");
      return;
    }

  stream = http_stream_new (self, session, msg);
  session_handle_message (&stream->session, message);
  /* Answered at once, or going on with a Call that ends the stream. */
  if (g_queue_is_empty (&stream->session.calls))
    session_end (&stream->session);
  else
    session_flush (&stream->session);
}

static void
handle_mcp_get (McpSseDemoServer  *self,
                SoupServerMessage *msg)
{
  HttpSession *session;
  SseSession *stream;

  if (!accepts (msg, "text/event-stream"))
    {
      respond_json_rpc_error (msg, SOUP_STATUS_NOT_ACCEPTABLE, -32600,
                              "Not Acceptable: the client must accept text/event-stream");
      return;
    }

  if (!http_check_request (self, msg, TRUE, &session))
    return;

  if (session->get_stream != NULL)
    {
      respond_json_rpc_error (msg, SOUP_STATUS_CONFLICT, -32600,
                              "Conflict: the session's stream is already open");
      return;
    }

  stream = http_stream_new (self, session, msg);
  session->get_stream = stream;
  g_string_append (stream->session.batch, ": stream open\n\n");
  session_flush (&stream->session);
}

static void
handle_mcp_delete (McpSseDemoServer  *self,
                   SoupServerMessage *msg)
{
  HttpSession *session;

  if (!http_check_request (self, msg, TRUE, &session))
    return;

  http_session_delete (self, session);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  McpSseDemoServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/sse"))
    {
      if (method == SOUP_METHOD_GET)
        handle_sse (self, msg, query);
      else
        refuse_method (msg, "GET");
    }
  else if (g_str_equal (path, "/mcp"))
    {
      if (method == SOUP_METHOD_POST)
        handle_mcp_post (self, msg);
      else if (method == SOUP_METHOD_GET)
        handle_mcp_get (self, msg);
      else if (method == SOUP_METHOD_DELETE)
        handle_mcp_delete (self, msg);
      else
        refuse_method (msg, "GET, POST, DELETE");
    }
  else if (g_str_equal (path, "/message"))
    {
      if (method == SOUP_METHOD_POST)
        handle_message_post (self, msg, query);
      else
        refuse_method (msg, "POST");
    }
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found\n");
}

/* Stdio: frames are lines on the output stream, messages lines of the
 * input stream. The session ends at the end of the input, on an error of
 * either stream, on cancellation or on mcp_sse_demo_server_close_sessions();
 * its task returns once the last write and a flush are done. */

static void stdio_session_read_next (StdioSession *session);
static void stdio_session_write_next (StdioSession *session);
static void stdio_session_check_done (StdioSession *session);

/* Keeps the first error only: the one that ended the session. */
static void
stdio_session_fail (StdioSession *session,
                    GError       *error)
{
  GBytes *in_flight;

  if (session->error == NULL)
    session->error = error;
  else
    g_error_free (error);

  g_cancellable_cancel (session->read_cancellable);
  g_cancellable_cancel (session->cancellable);

  /* The write in flight still reads its bytes. */
  in_flight = session->writing ? g_queue_pop_head (&session->pending) : NULL;
  g_queue_clear_full (&session->pending, (GDestroyNotify) g_bytes_unref);
  if (in_flight != NULL)
    g_queue_push_head (&session->pending, in_flight);
  session_end (&session->session);
  stdio_session_check_done (session);
}

static void
stdio_session_write (Session *session,
                     GBytes  *bytes)
{
  StdioSession *stdio = (StdioSession *) session;

  if (stdio->error != NULL)
    return;

  g_queue_push_tail (&stdio->pending, g_bytes_ref (bytes));
  stdio_session_write_next (stdio);
}

static void
stdio_session_end (Session *session)
{
  StdioSession *stdio = (StdioSession *) session;

  /* Nothing read from now on is answered. */
  g_cancellable_cancel (stdio->read_cancellable);
}

static const SessionWire stdio_wire = {
  .frame_start = "",
  .frame_end = "\n",
  .write = stdio_session_write,
  .end = stdio_session_end,
};

static void
stdio_session_free (StdioSession *session)
{
  g_assert (!session->reading && !session->writing && !session->flushing);

  session_clear (&session->session);
  if (session->cancelled_source != NULL)
    {
      g_source_destroy (session->cancelled_source);
      g_source_unref (session->cancelled_source);
    }
  g_queue_clear_full (&session->pending, (GDestroyNotify) g_bytes_unref);
  g_byte_array_unref (session->line);
  g_clear_error (&session->error);
  g_object_unref (session->read_cancellable);
  g_object_unref (session->cancellable);
  g_object_unref (session->input);
  g_object_unref (session->output);
  g_free (session);
}

static void
on_stdio_flushed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  StdioSession *session = user_data;
  McpSseDemoServer *self = session->session.server;
  g_autoptr(GTask) task = g_steal_pointer (&session->task);
  GError *error = NULL;

  session->flushing = FALSE;
  if (!g_output_stream_flush_finish (G_OUTPUT_STREAM (source), result, &error) &&
      session->error == NULL)
    session->error = error;
  else
    g_clear_error (&error);

  error = g_steal_pointer (&session->error);
  g_queue_remove (&self->stdio_sessions, session);
  stdio_session_free (session);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Once the session has ended and nothing is in flight, flushes the
 * output; the task returns after that. */
static void
stdio_session_check_done (StdioSession *session)
{
  if (!session->session.ending || session->reading || session->writing ||
      session->flushing || !g_queue_is_empty (&session->pending) || session->task == NULL)
    return;

  session->flushing = TRUE;
  g_output_stream_flush_async (session->output, G_PRIORITY_DEFAULT, session->cancellable,
                               on_stdio_flushed, session);
}

static void
on_stdio_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  StdioSession *session = user_data;
  GError *error = NULL;
  GBytes *bytes;
  gsize size;

  session->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      stdio_session_fail (session, error);
      return;
    }

  bytes = g_queue_pop_head (&session->pending);
  size = g_bytes_get_size (bytes);
  g_bytes_unref (bytes);

  session_wrote (&session->session, size);
  stdio_session_write_next (session);

  if (session->paused && !session->session.ending &&
      session_get_backlog (&session->session) <= MAX_BACKLOG)
    {
      session->paused = FALSE;
      stdio_session_read_next (session);
    }

  stdio_session_check_done (session);
}

static void
stdio_session_write_next (StdioSession *session)
{
  GBytes *bytes = g_queue_peek_head (&session->pending);

  if (session->writing || bytes == NULL)
    return;

  session->writing = TRUE;
  g_output_stream_write_all_async (session->output,
                                   g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, session->cancellable,
                                   on_stdio_written, session);
}

/* Handles one line, without its newline. */
static void
stdio_session_handle_line (StdioSession *session,
                           const char   *data,
                           gsize         length)
{
  g_autoptr(JsonNode) message = NULL;

  if (length > 0 && data[length - 1] == '\r')
    length--;
  if (length == 0)
    return;

  message = parse_message (data, length);
  if (message == NULL)
    session_reply_error (&session->session, NULL, -32700, "Parse error");
  else
    session_handle_message (&session->session, message);
}

/* Takes @length bytes of input: handles the lines they complete, and
 * keeps the start of the next one. */
static void
stdio_session_feed (StdioSession *session,
                    const char   *data,
                    gsize         length)
{
  while (length > 0 && !session->session.ending)
    {
      const char *newline = memchr (data, '\n', length);
      gsize piece = newline != NULL ? (gsize) (newline - data) : length;

      if (!session->discarding && session->line->len + piece > MAX_MESSAGE_SIZE)
        {
          session_reply_error (&session->session, NULL, -32600,
                               "Invalid Request: the message is larger than 4 MiB");
          g_byte_array_set_size (session->line, 0);
          session->discarding = TRUE;
        }

      if (newline == NULL)
        {
          if (!session->discarding)
            g_byte_array_append (session->line, (const guint8 *) data, piece);
          return;
        }

      if (session->discarding)
        session->discarding = FALSE;
      else if (session->line->len == 0)
        stdio_session_handle_line (session, data, piece);
      else
        {
          g_byte_array_append (session->line, (const guint8 *) data, piece);
          stdio_session_handle_line (session, (const char *) session->line->data,
                                     session->line->len);
          g_byte_array_set_size (session->line, 0);
        }

      data += piece + 1;
      length -= piece + 1;
    }
}

static void
on_stdio_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  StdioSession *session = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  session->reading = FALSE;
  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      if (session->session.ending && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_error_free (error);
          stdio_session_check_done (session);
        }
      else
        stdio_session_fail (session, error);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      /* The end of the input: a last line without its newline counts. */
      if (session->line->len > 0 && !session->discarding)
        stdio_session_handle_line (session, (const char *) session->line->data,
                                   session->line->len);
      session_end (&session->session);
      stdio_session_check_done (session);
      return;
    }

  stdio_session_feed (session, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  session_flush (&session->session);

  if (session->session.ending)
    stdio_session_check_done (session);
  else if (session_get_backlog (&session->session) > MAX_BACKLOG)
    session->paused = TRUE;
  else
    stdio_session_read_next (session);
}

static void
stdio_session_read_next (StdioSession *session)
{
  session->reading = TRUE;
  g_input_stream_read_bytes_async (session->input, READ_SIZE, G_PRIORITY_DEFAULT,
                                   session->read_cancellable, on_stdio_read, session);
}

static gboolean
on_stdio_cancelled (GCancellable *cancellable,
                    gpointer      user_data)
{
  StdioSession *session = user_data;

  g_clear_pointer (&session->cancelled_source, g_source_unref);
  stdio_session_fail (session, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    "Operation was cancelled"));
  return G_SOURCE_REMOVE;
}

/* GObject */

static void
mcp_sse_demo_server_dispose (GObject *object)
{
  McpSseDemoServer *self = MCP_SSE_DEMO_SERVER (object);

  if (self->sessions != NULL)
    {
      GHashTableIter iter;
      SseSession *session;

      g_hash_table_iter_init (&iter, self->sessions);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
        {
          g_hash_table_iter_steal (&iter);
          sse_session_free (session);
        }
    }

  g_queue_clear_full (&self->http_streams, (GDestroyNotify) sse_session_free);
  if (self->http_sessions != NULL)
    g_hash_table_remove_all (self->http_sessions);

  /* A stdio session's task holds the server: only an explicit dispose
   * comes here while one runs. It returns once its streams are done. */
  for (GList *l = self->stdio_sessions.head; l != NULL; l = l->next)
    session_end (l->data);

  if (self->listener != NULL)
    {
      g_cancellable_cancel (self->accept_cancellable);
      g_clear_object (&self->accept_cancellable);
      g_socket_listener_close (self->listener);
      g_clear_object (&self->listener);
    }

  if (self->soup_server != NULL)
    {
      soup_server_disconnect (self->soup_server);
      g_clear_object (&self->soup_server);
    }

  g_hash_table_remove_all (self->connections);

  G_OBJECT_CLASS (mcp_sse_demo_server_parent_class)->dispose (object);
}

static void
mcp_sse_demo_server_finalize (GObject *object)
{
  McpSseDemoServer *self = MCP_SSE_DEMO_SERVER (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->http_sessions, g_hash_table_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->url);

  G_OBJECT_CLASS (mcp_sse_demo_server_parent_class)->finalize (object);
}

static void
mcp_sse_demo_server_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  McpSseDemoServer *self = MCP_SSE_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_BATCH_WRITES:
      g_value_set_boolean (value, self->batch_writes);
      break;

    case PROP_N_SESSIONS:
      g_value_set_uint (value, self->n_sessions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_demo_server_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  McpSseDemoServer *self = MCP_SSE_DEMO_SERVER (object);

  switch (prop_id)
    {
    case PROP_BATCH_WRITES:
      mcp_sse_demo_server_set_batch_writes (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_demo_server_class_init (McpSseDemoServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mcp_sse_demo_server_dispose;
  object_class->finalize = mcp_sse_demo_server_finalize;
  object_class->get_property = mcp_sse_demo_server_get_property;
  object_class->set_property = mcp_sse_demo_server_set_property;

  properties[PROP_BATCH_WRITES] =
    g_param_spec_boolean ("batch-writes", NULL, NULL,
                          TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_N_SESSIONS] =
    g_param_spec_uint ("n-sessions", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mcp_sse_demo_server_init (McpSseDemoServer *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->sessions = g_hash_table_new (g_str_hash, g_str_equal);
  self->http_sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify) http_session_free);
  g_queue_init (&self->http_streams);
  g_queue_init (&self->stdio_sessions);
  self->connections = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                             (GDestroyNotify) connection_free);
  self->batch_writes = TRUE;
  self->soup_server = soup_server_new ("server-header", MCP_SSE_DEMO_SERVER_NAME " ", NULL);
  soup_server_add_handler (self->soup_server, NULL, on_request, self, NULL);
}

McpSseDemoServer *
mcp_sse_demo_server_new (void)
{
  return g_object_new (MCP_SSE_TYPE_DEMO_SERVER, NULL);
}

/* libsoup 3.2 keeps a connection open after a response only while the
 * SoupServer has a listener of its own (request_finished() in
 * soup-server.c): without one, every request would need a new connection,
 * and a client that sends its next request on the old one sees it closed.
 * This listener, on another ephemeral port that nobody is told of, is only
 * there for that; it accepts nothing, so it leaks nothing. */
static gboolean
server_keep_connections_alive (McpSseDemoServer  *self,
                               GInetAddress      *inet_address,
                               GError           **error)
{
  g_autoptr(GSocketAddress) unused_address = g_inet_socket_address_new (inet_address, 0);
  gboolean listening;

  g_main_context_push_thread_default (self->context);
  listening = soup_server_listen (self->soup_server, unused_address, 0, error);
  g_main_context_pop_thread_default (self->context);

  return listening;
}

gboolean
mcp_sse_demo_server_listen (McpSseDemoServer  *self,
                            const char        *address,
                            guint              port,
                            GError           **error)
{
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) effective_address = NULL;
  g_autoptr(GSocketListener) listener = NULL;

  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (self->port == 0, FALSE);

  inet_address = g_inet_address_new_from_string (address);
  if (inet_address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet_address, port);

  /* Many clients connect at once in the benchmarks: GLib's backlog of 10
   * would overflow, and a connection whose handshake the kernel dropped
   * is reset when the client writes. */
  listener = g_socket_listener_new ();
  g_socket_listener_set_backlog (listener, 1024);
  if (!g_socket_listener_add_address (listener, socket_address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective_address, error) ||
      (self->keep_alive && !server_keep_connections_alive (self, inet_address, error)))
    return FALSE;

  self->listener = g_steal_pointer (&listener);
  self->accept_cancellable = g_cancellable_new ();
  server_accept_next (self);

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective_address));
  self->url = g_strdup_printf (g_inet_address_get_family (inet_address) == G_SOCKET_FAMILY_IPV6
                               ? "http://[%s]:%u/sse" : "http://%s:%u/sse",
                               address, self->port);

  return TRUE;
}

guint
mcp_sse_demo_server_get_port (McpSseDemoServer *self)
{
  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), 0);

  return self->port;
}

char *
mcp_sse_demo_server_dup_url (McpSseDemoServer *self)
{
  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), NULL);

  return g_strdup (self->url);
}

SoupServer *
mcp_sse_demo_server_get_soup_server (McpSseDemoServer *self)
{
  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), NULL);

  return self->soup_server;
}

void
mcp_sse_demo_server_set_keep_alive (McpSseDemoServer *self,
                                    gboolean          keep_alive)
{
  g_return_if_fail (MCP_SSE_IS_DEMO_SERVER (self));
  g_return_if_fail (self->listener == NULL);

  self->keep_alive = keep_alive;
}

gboolean
mcp_sse_demo_server_get_batch_writes (McpSseDemoServer *self)
{
  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), FALSE);

  return self->batch_writes;
}

void
mcp_sse_demo_server_set_batch_writes (McpSseDemoServer *self,
                                      gboolean          batch_writes)
{
  g_return_if_fail (MCP_SSE_IS_DEMO_SERVER (self));

  batch_writes = !!batch_writes;
  if (self->batch_writes == batch_writes)
    return;

  self->batch_writes = batch_writes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_WRITES]);
}

guint
mcp_sse_demo_server_get_n_sessions (McpSseDemoServer *self)
{
  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), 0);

  return self->n_sessions;
}

void
mcp_sse_demo_server_close_sessions (McpSseDemoServer *self)
{
  g_autoptr(GList) sessions = NULL;

  g_return_if_fail (MCP_SSE_IS_DEMO_SERVER (self));

  sessions = g_hash_table_get_values (self->sessions);
  for (GList *l = sessions; l != NULL; l = l->next)
    session_end (&((SseSession *) l->data)->session);

  for (GList *l = self->stdio_sessions.head; l != NULL; l = l->next)
    session_end (l->data);

  g_clear_pointer (&sessions, g_list_free);
  sessions = g_hash_table_get_values (self->http_sessions);
  for (GList *l = sessions; l != NULL; l = l->next)
    http_session_delete (self, l->data);
}

void
mcp_sse_demo_server_serve_stdio_async (McpSseDemoServer    *self,
                                       GInputStream        *input,
                                       GOutputStream       *output,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  StdioSession *session;

  g_return_if_fail (MCP_SSE_IS_DEMO_SERVER (self));
  g_return_if_fail (G_IS_INPUT_STREAM (input));
  g_return_if_fail (G_IS_OUTPUT_STREAM (output));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  session = g_new0 (StdioSession, 1);
  session_init (&session->session, self, &stdio_wire, self->batch_writes);
  session->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (session->task, mcp_sse_demo_server_serve_stdio_async);
  session->input = g_object_ref (input);
  session->output = g_object_ref (output);
  session->read_cancellable = g_cancellable_new ();
  session->cancellable = g_cancellable_new ();
  session->line = g_byte_array_new ();
  g_queue_init (&session->pending);
  g_queue_push_tail (&self->stdio_sessions, session);
  server_count_session (self, 1);

  if (cancellable != NULL)
    {
      session->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (session->cancelled_source, G_SOURCE_FUNC (on_stdio_cancelled),
                             session, NULL);
      g_source_attach (session->cancelled_source, self->context);
    }

  stdio_session_read_next (session);
}

gboolean
mcp_sse_demo_server_serve_stdio_finish (McpSseDemoServer  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (MCP_SSE_IS_DEMO_SERVER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        mcp_sse_demo_server_serve_stdio_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
