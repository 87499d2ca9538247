/* mcp-sse-client.c: an MCP client session over one transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client.h"
#include "mcp-sse-connection-manager.h"
#include "mcp-sse-error-private.h"
#include "mcp-sse-gsource-private.h"
#include "mcp-sse-marshal.h"
#include "mcp-sse-message-private.h"
#include "mcp-sse-request-table-private.h"

/**
 * McpSseClient:
 *
 * A JSON-RPC 2.0 session with an MCP server over one [iface@Transport].
 *
 * [method@Client.connect_async] starts the transport if needed and runs the
 * MCP handshake: `initialize`, offering the newest protocol version the
 * client supports, then `notifications/initialized`. Afterwards
 * [method@Client.request_async] and its convenience wrappers
 * ([method@Client.call_tool_async], [method@Client.list_tools_async], ...)
 * send requests and complete with the `result` of the response, or with a
 * [error@JsonrpcError] that keeps the server's `code`, `message` and
 * `data`.
 *
 * ```c
 * static void
 * on_tool_called (GObject      *source,
 *                 GAsyncResult *result,
 *                 gpointer      user_data)
 * {
 *   g_autoptr(JsonNode) answer = NULL;
 *   g_autoptr(GError) error = NULL;
 *   g_autofree char *text = NULL;
 *
 *   answer = mcp_sse_client_call_tool_finish (MCP_SSE_CLIENT (source), result, &error);
 *   if (answer == NULL)
 *     {
 *       g_printerr ("echo failed: %s\n", error->message);
 *       return;
 *     }
 *
 *   text = json_to_string (answer, TRUE);
 *   g_print ("%s\n", text);
 * }
 *
 * static void
 * on_connected (GObject      *source,
 *               GAsyncResult *result,
 *               gpointer      user_data)
 * {
 *   McpSseClient *client = MCP_SSE_CLIENT (source);
 *   g_autoptr(JsonNode) arguments = json_from_string ("{\"message\": \"hi\"}", NULL);
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!mcp_sse_client_connect_finish (client, result, &error))
 *     {
 *       g_printerr ("cannot connect: %s\n", error->message);
 *       return;
 *     }
 *
 *   mcp_sse_client_call_tool_async (client, "echo", arguments, NULL,
 *                                   on_tool_called, NULL);
 * }
 *
 * client = mcp_sse_client_new_for_url ("http://127.0.0.1:3001/sse");
 * mcp_sse_client_connect_async (client, NULL, on_connected, NULL);
 * ```
 *
 * What the server sends on its own arrives on
 * [signal@Client::notification] (detailed by method),
 * [signal@Client::progress] and [signal@Client::request]; the client
 * answers `ping` itself. Messages it cannot make sense of, such as a
 * response to no request, are reported on [signal@Client::error]; problems
 * of the connection itself are reported by the transport.
 *
 * The client's own request ids are integers counting up from 1; a response
 * matches a request only when its id is the same JSON integer (`"1"` does
 * not match `1`).
 *
 * A client is used from the thread whose thread-default main context was
 * current when it was created; its signals are emitted and its timeouts
 * run there. An operation in flight keeps the client alive until it
 * completes.
 *
 * Since: 1.0
 */

/* The newest first: initialize offers the first one. */
static const char * const supported_versions[] = {
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  NULL
};

/* The most pages a list walk fetches. */
#define MAX_PAGES 1000

typedef enum
{
  REQUEST_DEFAULT = 0,
  REQUEST_NO_TIMEOUT = 1 << 0,    /* bounded by the caller's own deadline */
  REQUEST_WITH_PROGRESS = 1 << 1, /* attach a progress token when ::progress is watched */
} RequestFlags;

/* A connect_async() in progress: the data of its GTask. */
typedef struct
{
  GSource *timeout_source;
  GSource *cancel_source;
  gulong state_handler;
} Connecting;

/* A list walk over pages: the data of its GTask. */
typedef struct
{
  const char *method;
  const char *key;
  JsonArray *items;
  GHashTable *cursors;      /* every cursor requested so far */
  guint pages;
} Walk;

struct _McpSseClient
{
  GObject parent_instance;

  McpSseTransport *transport;
  GMainContext *context;

  McpSseRequestTable *requests;

  guint generation;         /* counts connections ended, to notice one ending */
  GTask *connect_task;      /* non-NULL while connect_async() runs */
  gboolean initialized;     /* the handshake completed on the current connection */

  char *protocol_version;
  JsonNode *server_info;
  JsonNode *server_capabilities;
  char *instructions;
  JsonNode *client_info;
  JsonNode *capabilities;
  double request_timeout;
};

enum {
  PROP_0,
  PROP_TRANSPORT,
  PROP_PROTOCOL_VERSION,
  PROP_SERVER_INFO,
  PROP_SERVER_CAPABILITIES,
  PROP_INSTRUCTIONS,
  PROP_REQUEST_TIMEOUT,
  PROP_CLIENT_INFO,
  PROP_CAPABILITIES,
  N_PROPS
};

enum {
  NOTIFICATION,
  REQUEST,
  PROGRESS,
  ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (McpSseClient, mcp_sse_client, G_TYPE_OBJECT)

/* Fire-and-forget sends: cancellation notices and replies the client
 * makes itself. Nobody waits for them, so a failure is only logged. */

static void
on_unattended_send_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error))
    g_debug ("Could not send a message: %s", error->message);
}

static void
send_unattended (McpSseClient *self,
                 JsonNode     *message)
{
  mcp_sse_transport_send_async (self->transport, message, NULL,
                                on_unattended_send_done, NULL);
}

static void
reply_error_unattended (McpSseClient *self,
                        JsonNode     *id,
                        int           code,
                        const char   *message)
{
  g_autoptr(JsonNode) reply = mcp_sse_message_build_error (id, code, message, NULL);

  send_unattended (self, reply);
}

static void
emit_error (McpSseClient *self,
            GError       *error)
{
  g_signal_emit (self, signals[ERROR], 0, error);
  g_error_free (error);
}

static void report_invalid_message (McpSseClient *self,
                                    const char   *format,
                                    ...) G_GNUC_PRINTF (2, 3);

static void
report_invalid_message (McpSseClient *self,
                        const char   *format,
                        ...)
{
  va_list args;
  GError *error;

  va_start (args, format);
  error = g_error_new_valist (MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE, format, args);
  va_end (args);

  emit_error (self, error);
}

/* Our requests */

/* Tells the server, as MCP asks, so that it can stop working on it. */
static void
on_request_given_up (gint64      id,
                     const char *reason,
                     gpointer    user_data)
{
  McpSseClient *self = user_data;
  g_autoptr(JsonNode) notice = NULL;
  JsonObject *params = json_object_new ();
  JsonNode *params_node;

  json_object_set_int_member (params, "requestId", id);
  json_object_set_string_member (params, "reason", reason);
  params_node = mcp_sse_json_object_node (params);
  notice = mcp_sse_message_build_notification ("notifications/cancelled", params_node);
  json_node_unref (params_node);

  send_unattended (self, notice);
}

static void
on_request_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  McpSseClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error))
    mcp_sse_request_table_fail_unsent (self->requests, task, error);
}

/* Sends the request @method and completes @task (transfer full) with the
 * `result` of its response. @params is (transfer none). */
static void
start_request (McpSseClient *self,
               const char   *method,
               JsonNode     *params,
               RequestFlags  flags,
               GTask        *task)
{
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(JsonNode) with_token = NULL;
  gboolean reports_progress;
  double timeout;
  gint64 id;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  timeout = (flags & REQUEST_NO_TIMEOUT) ? 0 : self->request_timeout;
  reports_progress = (flags & REQUEST_WITH_PROGRESS) &&
                     g_signal_has_handler_pending (self, signals[PROGRESS], 0, TRUE);
  id = mcp_sse_request_table_add (self->requests, task, method, timeout, reports_progress);

  /* The request id doubles as the progress token: it is unique already. */
  if (reports_progress)
    {
      with_token = mcp_sse_message_with_progress_token (params, id);
      params = with_token;
    }

  message = mcp_sse_message_build_request (id, method, params);
  mcp_sse_transport_send_async (self->transport, message, NULL,
                                on_request_sent, g_object_ref (task));
}

/* What the server sends */

static GError *
error_from_response (JsonNode   *node,
                     const char *method)
{
  JsonObject *object;
  JsonNode *code;
  const char *message;
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    goto malformed;

  object = json_node_get_object (node);
  code = json_object_get_member (object, "code");
  message = mcp_sse_json_get_string (object, "message");
  if (!mcp_sse_json_holds (code, G_TYPE_INT64) || message == NULL)
    goto malformed;

  value = json_node_get_int (code);
  if (value < G_MININT || value > G_MAXINT)
    goto malformed;

  return mcp_sse_jsonrpc_error_new ((int) value, message,
                                    json_object_get_member (object, "data"));

malformed:
  return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                      "The error response to “%s” has no integer code and string message",
                      method);
}

static void
report_unmatched_response (McpSseClient *self,
                           JsonNode     *id,
                           JsonNode     *result,
                           JsonNode     *error)
{
  g_autofree char *id_text = mcp_sse_json_to_text (id);

  if (error != NULL && result == NULL)
    {
      g_autoptr(GError) server_error = error_from_response (error, "(unknown)");

      report_invalid_message (self, "An error response for no pending request (id %s): %s",
                              id_text, server_error->message);
    }
  else
    report_invalid_message (self, "A response for no pending request (id %s)", id_text);
}

static void
handle_response (McpSseClient *self,
                 JsonObject   *object,
                 JsonNode     *id)
{
  JsonNode *result = json_object_get_member (object, "result");
  JsonNode *error = json_object_get_member (object, "error");
  const char *method = mcp_sse_request_table_lookup (self->requests, id);

  if (method == NULL)
    {
      if (!mcp_sse_request_table_forget_abandoned (self->requests, id))
        report_unmatched_response (self, id, result, error);
      return;
    }

  if (result != NULL && error == NULL)
    mcp_sse_request_table_complete (self->requests, id, result, NULL);
  else if (error != NULL && result == NULL)
    mcp_sse_request_table_complete (self->requests, id, NULL, error_from_response (error, method));
  else
    mcp_sse_request_table_complete (self->requests, id, NULL,
                                    g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                                                 "The response to “%s” has both a result and an error",
                                                 method));
}

/* Notes that the server's request @id waits for a reply; when it cannot,
 * says why and returns FALSE. */
static gboolean
expect_reply (McpSseClient *self,
              const char   *method,
              JsonNode     *id)
{
  g_autofree char *id_text = NULL;

  switch (mcp_sse_request_table_add_incoming (self->requests, id))
    {
    case MCP_SSE_INCOMING_ADDED:
      return TRUE;

    case MCP_SSE_INCOMING_TOO_MANY:
      reply_error_unattended (self, id, MCP_SSE_JSONRPC_ERROR_INTERNAL_ERROR,
                              "Too many requests are waiting for an answer");
      return FALSE;

    case MCP_SSE_INCOMING_REUSED_ID:
    default:
      id_text = mcp_sse_json_to_text (id);
      report_invalid_message (self, "The request “%s” reuses the id %s of a request still unanswered",
                              method, id_text);
      return FALSE;
    }
}

static void
handle_request (McpSseClient *self,
                const char   *method,
                JsonNode     *id,
                JsonNode     *params)
{
  gboolean handled = FALSE;

  if (!mcp_sse_request_id_is_valid (id))
    {
      g_autofree char *id_text = mcp_sse_json_to_text (id);

      report_invalid_message (self, "The request “%s” has an id that is neither a string nor a number: %s",
                              method, id_text);
      return;
    }

  if (g_str_equal (method, "ping"))
    {
      g_autoptr(JsonNode) reply = mcp_sse_message_build_result (id, NULL);

      send_unattended (self, reply);
      return;
    }

  if (!expect_reply (self, method, id))
    return;

  g_signal_emit (self, signals[REQUEST], 0, method, id, params, &handled);

  /* Unless a handler answered or will answer, or the connection closed. */
  if (!handled && mcp_sse_request_table_remove_incoming (self->requests, id))
    reply_error_unattended (self, id, MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND,
                            "Method not found");
}

static void
handle_progress (McpSseClient *self,
                 JsonNode     *params)
{
  JsonObject *object;
  JsonNode *token, *progress, *total;

  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    return;

  object = json_node_get_object (params);
  token = json_object_get_member (object, "progressToken");
  progress = json_object_get_member (object, "progress");
  total = json_object_get_member (object, "total");

  if (!mcp_sse_json_holds_number (progress) ||
      !mcp_sse_request_table_reports_progress (self->requests, token))
    return;

  g_signal_emit (self, signals[PROGRESS], 0,
                 token,
                 json_node_get_double (progress),
                 mcp_sse_json_holds_number (total) ? json_node_get_double (total) : -1.0,
                 mcp_sse_json_get_string (object, "message"));
}

/* The server gave up on a request it sent us: MCP says not to answer it,
 * so it stops counting against the limit and a late reply fails. */
static void
handle_cancelled (McpSseClient *self,
                  JsonNode     *params)
{
  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    return;

  mcp_sse_request_table_remove_incoming (self->requests,
                                         json_object_get_member (json_node_get_object (params),
                                                                 "requestId"));
}

static void
handle_notification (McpSseClient *self,
                     const char   *method,
                     JsonNode     *params)
{
  if (g_str_equal (method, "notifications/progress"))
    handle_progress (self, params);
  else if (g_str_equal (method, "notifications/cancelled"))
    handle_cancelled (self, params);

  /* g_quark_try_string(): server-chosen names never grow the quark table;
   * a name nobody connected to by detail gets detail 0. */
  g_signal_emit (self, signals[NOTIFICATION], g_quark_try_string (method), method, params);
}

static void
handle_message (McpSseClient *self,
                JsonNode     *message)
{
  JsonObject *object;
  JsonNode *method, *id;

  if (!JSON_NODE_HOLDS_OBJECT (message))
    {
      report_invalid_message (self, "A message that is not a JSON object");
      return;
    }

  object = json_node_get_object (message);
  if (g_strcmp0 (mcp_sse_json_get_string (object, "jsonrpc"), "2.0") != 0)
    {
      report_invalid_message (self, "A message without \"jsonrpc\": \"2.0\"");
      return;
    }

  method = json_object_get_member (object, "method");
  id = json_object_get_member (object, "id");

  if (mcp_sse_json_holds (method, G_TYPE_STRING) && id != NULL)
    handle_request (self, json_node_get_string (method), id,
                    json_object_get_member (object, "params"));
  else if (mcp_sse_json_holds (method, G_TYPE_STRING))
    handle_notification (self, json_node_get_string (method),
                         json_object_get_member (object, "params"));
  else if (method == NULL && id != NULL &&
           (json_object_has_member (object, "result") || json_object_has_member (object, "error")))
    handle_response (self, object, id);
  else
    report_invalid_message (self, "A message that is neither a request, a response nor a notification");
}

static void
on_transport_message (McpSseTransport *transport,
                      JsonNode        *message,
                      McpSseClient    *self)
{
  g_autoptr(McpSseClient) hold G_GNUC_UNUSED = g_object_ref (self);

  /* A JSON-RPC batch, which MCP 2025-03-26 allows. */
  if (JSON_NODE_HOLDS_ARRAY (message))
    {
      g_autoptr(JsonNode) batch = json_node_ref (message);
      JsonArray *array = json_node_get_array (batch);
      guint i, length = json_array_get_length (array);
      guint generation = self->generation;

      if (length == 0)
        report_invalid_message (self, "An empty batch");
      /* A handler may stop the connection: the rest belongs to the old one. */
      for (i = 0; i < length && self->generation == generation; i++)
        handle_message (self, json_array_get_element (array, i));
      return;
    }

  handle_message (self, message);
}

static void
on_transport_closed (McpSseTransport *transport,
                     const GError    *error,
                     McpSseClient    *self)
{
  g_autoptr(McpSseClient) hold G_GNUC_UNUSED = g_object_ref (self);
  g_autoptr(GError) stopped = NULL;

  self->generation++;
  self->initialized = FALSE;
  mcp_sse_request_table_clear_incoming (self->requests);
  mcp_sse_request_table_clear_abandoned (self->requests);

  if (error == NULL)
    error = stopped = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           "The connection was stopped");
  mcp_sse_request_table_fail_all (self->requests, error);
}

/* Stopping */

static void
stop_session (McpSseClient *self)
{
  g_autoptr(GError) error = NULL;

  mcp_sse_transport_stop (self->transport);

  /* In case the transport was not connected and so emitted no ::closed. */
  self->generation++;
  self->initialized = FALSE;
  mcp_sse_request_table_clear_incoming (self->requests);
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection was stopped");
  mcp_sse_request_table_fail_all (self->requests, error);
}

/* Connecting */

static void
connecting_free (gpointer data)
{
  Connecting *connecting = data;

  g_assert (connecting->timeout_source == NULL);
  g_assert (connecting->cancel_source == NULL);
  g_assert (connecting->state_handler == 0);

  g_free (connecting);
}

/* Ends connect_async() with success, or with @error (transfer full), in
 * which case the session is stopped: a half-made handshake is no use. */
static void
connect_complete (McpSseClient *self,
                  GError       *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->connect_task);
  Connecting *connecting = g_task_get_task_data (task);

  mcp_sse_source_clear (&connecting->timeout_source);
  mcp_sse_source_clear (&connecting->cancel_source);
  g_clear_signal_handler (&connecting->state_handler, self->transport);

  if (error == NULL)
    {
      self->initialized = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  stop_session (self);
  g_task_return_error (task, error);
}

static gboolean
accept_initialize_result (McpSseClient  *self,
                          JsonNode      *result,
                          GError       **error)
{
  JsonObject *object;
  const char *version;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (result))
    {
      g_set_error_literal (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                           "The result of initialize is not an object");
      return FALSE;
    }

  object = json_node_get_object (result);
  version = mcp_sse_json_get_string (object, "protocolVersion");
  if (version == NULL)
    {
      g_set_error_literal (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                           "The result of initialize names no protocolVersion");
      return FALSE;
    }

  if (!g_strv_contains (supported_versions, version))
    {
      g_set_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                   "The server chose the protocol version “%s”, which this client does not support",
                   version);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));

  g_free (self->protocol_version);
  self->protocol_version = g_strdup (version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_VERSION]);

  g_clear_pointer (&self->server_info, json_node_unref);
  member = json_object_get_member (object, "serverInfo");
  self->server_info = member != NULL ? json_node_copy (member) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_INFO]);

  g_clear_pointer (&self->server_capabilities, json_node_unref);
  member = json_object_get_member (object, "capabilities");
  self->server_capabilities = member != NULL ? json_node_copy (member) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_CAPABILITIES]);

  g_free (self->instructions);
  self->instructions = g_strdup (mcp_sse_json_get_string (object, "instructions"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTRUCTIONS]);

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

static void
on_initialized_sent (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  McpSseClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error);
  if (self->connect_task == task)
    connect_complete (self, error);
  else
    g_clear_error (&error);
}

static void
on_initialize_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  McpSseClient *self = MCP_SSE_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) initialized = NULL;
  GError *error = NULL;

  answer = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->connect_task != task)
    {
      /* Timed out or cancelled meanwhile. */
      g_clear_error (&error);
      return;
    }

  if (answer == NULL || !accept_initialize_result (self, answer, &error))
    {
      connect_complete (self, error);
      return;
    }

  mcp_sse_transport_set_protocol_version (self->transport, self->protocol_version);

  initialized = mcp_sse_message_build_notification ("notifications/initialized", NULL);
  mcp_sse_transport_send_async (self->transport, initialized, NULL,
                                on_initialized_sent, g_steal_pointer (&task));
}

static void
send_initialize (McpSseClient *self)
{
  JsonObject *params = json_object_new ();
  g_autoptr(JsonNode) params_node = NULL;
  g_autoptr(GTask) task = NULL;

  json_object_set_string_member (params, "protocolVersion", supported_versions[0]);
  json_object_set_member (params, "capabilities", json_node_copy (self->capabilities));
  json_object_set_member (params, "clientInfo", json_node_copy (self->client_info));
  params_node = mcp_sse_json_object_node (params);

  /* connect_async() has its own deadline and cancellation. */
  task = g_task_new (self, NULL, on_initialize_done, g_object_ref (self->connect_task));
  g_task_set_source_tag (task, send_initialize);
  start_request (self, "initialize", params_node, REQUEST_NO_TIMEOUT, g_steal_pointer (&task));
}

static void
on_transport_started (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  McpSseClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (source), result, &error))
    {
      if (self->connect_task == task)
        connect_complete (self, error);
      else
        g_error_free (error);
      return;
    }

  if (self->connect_task == task)
    send_initialize (self);
}

/* Someone else's start is running: wait for its outcome. */
static void
on_transport_state (McpSseTransport *transport,
                    GParamSpec      *pspec,
                    McpSseClient    *self)
{
  Connecting *connecting = g_task_get_task_data (self->connect_task);

  switch (mcp_sse_transport_get_state (transport))
    {
    case MCP_SSE_CONNECTION_STATE_CONNECTED:
      g_clear_signal_handler (&connecting->state_handler, transport);
      send_initialize (self);
      break;

    case MCP_SSE_CONNECTION_STATE_CLOSED:
      connect_complete (self, g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED,
                                                   "The transport failed to connect"));
      break;

    case MCP_SSE_CONNECTION_STATE_DISCONNECTED:
    case MCP_SSE_CONNECTION_STATE_CONNECTING:
    default:
      break;
    }
}

static gboolean
on_connect_timeout (gpointer user_data)
{
  McpSseClient *self = user_data;

  connect_complete (self, g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                                       "Connecting took longer than %g seconds",
                                       self->request_timeout));
  return G_SOURCE_REMOVE;
}

static gboolean
on_connect_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  McpSseClient *self = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  connect_complete (self, error);
  return G_SOURCE_REMOVE;
}

/**
 * mcp_sse_client_connect_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the session is ready or failed
 * @user_data: data for @callback
 *
 * Starts the transport unless it is connected already (when another start
 * of it is running, waits for that one), then runs the MCP handshake: an
 * `initialize` request offering protocol version `2025-11-25`, with
 * [property@Client:capabilities] and [property@Client:client-info], then
 * `notifications/initialized`.
 *
 * The server's answer is accepted when its `protocolVersion` is one of
 * `2024-11-05`, `2025-03-26`, `2025-06-18` or `2025-11-25`; otherwise the
 * connection fails with %MCP_SSE_ERROR_INVALID_MESSAGE naming the version.
 * On success [property@Client:protocol-version],
 * [property@Client:server-info], [property@Client:server-capabilities] and
 * [property@Client:instructions] are set, and so is the transport's
 * [property@Transport:protocol-version].
 *
 * The whole of it is bounded by [property@Client:request-timeout]
 * (%MCP_SSE_ERROR_TIMEOUT). When connecting fails, for whatever reason,
 * the client stops the transport as [method@Client.stop] does.
 *
 * It fails with %G_IO_ERROR_PENDING while another connect runs or once the
 * session is established, until the transport closes.
 *
 * Since: 1.0
 */
void
mcp_sse_client_connect_async (McpSseClient        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Connecting *connecting;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_client_connect_async);

  if (self->connect_task != NULL || self->initialized)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               self->initialized ? "The client is connected already"
                                                 : "The client is connecting already");
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  connecting = g_new0 (Connecting, 1);
  g_task_set_task_data (task, connecting, connecting_free);
  self->connect_task = g_object_ref (task);

  connecting->timeout_source = mcp_sse_timeout_source_attach (self->context, self->request_timeout,
                                                              on_connect_timeout, self);
  connecting->cancel_source = mcp_sse_cancel_source_attach (self->context, cancellable,
                                                            on_connect_cancelled, self);

  switch (mcp_sse_transport_get_state (self->transport))
    {
    case MCP_SSE_CONNECTION_STATE_CONNECTED:
      send_initialize (self);
      break;

    case MCP_SSE_CONNECTION_STATE_CONNECTING:
      connecting->state_handler = g_signal_connect (self->transport, "notify::state",
                                                    G_CALLBACK (on_transport_state), self);
      break;

    case MCP_SSE_CONNECTION_STATE_DISCONNECTED:
    case MCP_SSE_CONNECTION_STATE_CLOSED:
    default:
      /* Stopping the transport is what cuts the start short. */
      mcp_sse_transport_start_async (self->transport, NULL,
                                     on_transport_started, g_steal_pointer (&task));
      break;
    }
}

/**
 * mcp_sse_client_connect_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.connect_async].
 *
 * Returns: %TRUE when the session is established
 *
 * Since: 1.0
 */
gboolean
mcp_sse_client_connect_finish (McpSseClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_client_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mcp_sse_client_stop:
 * @self: a client
 *
 * Stops the transport. A connect in progress and every request waiting
 * for a response fail at once with %G_IO_ERROR_CANCELLED; the requests
 * the server made are forgotten, so replies to them fail. Calling
 * [method@Client.connect_async] starts a new session.
 *
 * It never blocks, does nothing when there is nothing to stop, and may be
 * called from any signal handler.
 *
 * Since: 1.0
 */
void
mcp_sse_client_stop (McpSseClient *self)
{
  g_autoptr(McpSseClient) hold = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));

  hold = g_object_ref (self);

  if (self->connect_task != NULL)
    connect_complete (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "The connection was stopped"));
  else
    stop_session (self);
}

/* Requests */

static JsonNode *
propagate_result (McpSseClient  *self,
                  GAsyncResult  *result,
                  gpointer       source_tag,
                  GError       **error)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
new_request (McpSseClient        *self,
             const char          *method,
             JsonNode            *params,
             RequestFlags         flags,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  start_request (self, method, params, flags, g_steal_pointer (&task));
}

/**
 * mcp_sse_client_request_async:
 * @self: a client
 * @method: the method to call
 * @params: (nullable): the `params` of the request, or %NULL for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the response
 * @user_data: data for @callback
 *
 * Sends the JSON-RPC request @method and waits for its response.
 *
 * The request fails with %MCP_SSE_ERROR_TIMEOUT when no response arrived
 * within [property@Client:request-timeout]; with the error of the send
 * when the transport could not deliver it (%MCP_SSE_ERROR_NOT_CONNECTED
 * when it is not connected); with %G_IO_ERROR_CANCELLED when @cancellable
 * is cancelled; with the close reason when the transport closes first
 * (%G_IO_ERROR_CANCELLED after [method@Client.stop]); and with an
 * %MCP_SSE_JSONRPC_ERROR when the server answers with an error. After a
 * timeout or a cancellation the client sends `notifications/cancelled` for
 * it and ignores its late response.
 *
 * When a handler is connected to [signal@Client::progress], the request
 * carries a `_meta.progressToken` (added to a copy of @params) and the
 * server's progress notifications for it are emitted there.
 *
 * Since: 1.0
 */
void
mcp_sse_client_request_async (McpSseClient        *self,
                              const char          *method,
                              JsonNode            *params,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  new_request (self, method, params, REQUEST_WITH_PROGRESS, mcp_sse_client_request_async,
               cancellable, callback, user_data);
}

/**
 * mcp_sse_client_request_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.request_async].
 *
 * Returns: (transfer full): the `result` member of the response, or
 *   %NULL with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_request_finish (McpSseClient  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_request_async, error);
}

static void
on_notification_sent (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mcp_sse_client_notify_async:
 * @self: a client
 * @method: the method of the notification
 * @params: (nullable): the `params` of the notification, or %NULL for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the notification was sent or failed
 * @user_data: data for @callback
 *
 * Sends the JSON-RPC notification @method. The server does not answer
 * notifications; this completes when the transport delivered it.
 *
 * Since: 1.0
 */
void
mcp_sse_client_notify_async (McpSseClient        *self,
                             const char          *method,
                             JsonNode            *params,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) message = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_client_notify_async);

  message = mcp_sse_message_build_notification (method, params);
  mcp_sse_transport_send_async (self->transport, message, cancellable,
                                on_notification_sent, g_steal_pointer (&task));
}

static gboolean
propagate_sent (McpSseClient  *self,
                GAsyncResult  *result,
                gpointer       source_tag,
                GError       **error)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mcp_sse_client_notify_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.notify_async].
 *
 * Returns: %TRUE when the notification was delivered
 *
 * Since: 1.0
 */
gboolean
mcp_sse_client_notify_finish (McpSseClient  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return propagate_sent (self, result, mcp_sse_client_notify_async, error);
}

/**
 * mcp_sse_client_ping_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the response
 * @user_data: data for @callback
 *
 * Sends `ping`, as [method@Client.request_async] does.
 *
 * Since: 1.0
 */
void
mcp_sse_client_ping_async (McpSseClient        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  new_request (self, "ping", NULL, REQUEST_DEFAULT, mcp_sse_client_ping_async,
               cancellable, callback, user_data);
}

/**
 * mcp_sse_client_ping_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.ping_async].
 *
 * Returns: (transfer full): the result, an empty object, or %NULL with
 *   @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_ping_finish (McpSseClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_ping_async, error);
}

/* Whole lists over pages */

static void
walk_free (gpointer data)
{
  Walk *walk = data;

  json_array_unref (walk->items);
  g_hash_table_unref (walk->cursors);
  g_free (walk);
}

static void request_page (McpSseClient *self,
                          GTask        *walk_task,
                          const char   *cursor);

/* Appends the items of @page to @walk and sets *@cursor to its
 * `nextCursor` (NULL when it is the last page). */
static gboolean
add_page (Walk        *walk,
          JsonNode    *page,
          const char **cursor,
          GError     **error)
{
  JsonObject *object;
  JsonNode *items, *next;
  JsonArray *array;
  guint i, length;

  if (!JSON_NODE_HOLDS_OBJECT (page))
    goto malformed;

  object = json_node_get_object (page);
  items = json_object_get_member (object, walk->key);
  next = json_object_get_member (object, "nextCursor");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    goto malformed;
  if (next != NULL && !JSON_NODE_HOLDS_NULL (next) && !mcp_sse_json_holds (next, G_TYPE_STRING))
    goto malformed;

  array = json_node_get_array (items);
  length = json_array_get_length (array);
  for (i = 0; i < length; i++)
    json_array_add_element (walk->items, json_node_copy (json_array_get_element (array, i)));

  *cursor = mcp_sse_json_holds (next, G_TYPE_STRING) ? json_node_get_string (next) : NULL;
  return TRUE;

malformed:
  g_set_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
               "A page of %s has no “%s” array or a cursor that is not a string",
               walk->method, walk->key);
  return FALSE;
}

static void
on_page_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  McpSseClient *self = MCP_SSE_CLIENT (source);
  g_autoptr(GTask) walk_task = user_data;
  Walk *walk = g_task_get_task_data (walk_task);
  g_autoptr(JsonNode) page = NULL;
  const char *cursor = NULL;
  GError *error = NULL;
  JsonObject *whole;

  page = g_task_propagate_pointer (G_TASK (result), &error);
  if (page == NULL || !add_page (walk, page, &cursor, &error))
    {
      g_task_return_error (walk_task, error);
      return;
    }

  if (cursor == NULL)
    {
      whole = json_object_new ();
      json_object_set_array_member (whole, walk->key, json_array_ref (walk->items));
      g_task_return_pointer (walk_task, mcp_sse_json_object_node (whole), (GDestroyNotify) json_node_unref);
      return;
    }

  if (walk->pages >= MAX_PAGES)
    {
      g_task_return_new_error (walk_task, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                               "The result of %s goes on past %u pages",
                               walk->method, MAX_PAGES);
      return;
    }

  if (!g_hash_table_add (walk->cursors, g_strdup (cursor)))
    {
      g_task_return_new_error (walk_task, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                               "The server repeated the cursor “%s” of %s",
                               cursor, walk->method);
      return;
    }

  request_page (self, g_steal_pointer (&walk_task), cursor);
}

/* Requests the page at @cursor (NULL: the first) for @walk_task (transfer full). */
static void
request_page (McpSseClient *self,
              GTask        *walk_task,
              const char   *cursor)
{
  Walk *walk = g_task_get_task_data (walk_task);
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(GTask) page = NULL;

  if (cursor != NULL)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "cursor", cursor);
      params = mcp_sse_json_object_node (object);
    }

  walk->pages++;
  page = g_task_new (self, g_task_get_cancellable (walk_task), on_page_done, walk_task);
  g_task_set_source_tag (page, request_page);
  start_request (self, walk->method, params, REQUEST_DEFAULT, g_steal_pointer (&page));
}

static void
list_all (McpSseClient        *self,
          const char          *method,
          const char          *key,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Walk *walk = g_new0 (Walk, 1);

  walk->method = method;
  walk->key = key;
  walk->items = json_array_new ();
  walk->cursors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, walk, walk_free);

  request_page (self, g_steal_pointer (&task), NULL);
}

/**
 * mcp_sse_client_list_tools_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the whole list
 * @user_data: data for @callback
 *
 * Sends `tools/list`, following `nextCursor` until the last page, and
 * merges the pages. A server that repeats a cursor, or whose list goes on
 * past 1000 pages, makes it fail with %MCP_SSE_ERROR_INVALID_MESSAGE.
 * Each page is a request as in [method@Client.request_async].
 *
 * Since: 1.0
 */
void
mcp_sse_client_list_tools_async (McpSseClient        *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  list_all (self, "tools/list", "tools", mcp_sse_client_list_tools_async,
            cancellable, callback, user_data);
}

/**
 * mcp_sse_client_list_tools_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.list_tools_async].
 *
 * Returns: (transfer full): an object `{"tools": [...]}` with the tools of
 *   every page, or %NULL with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_list_tools_finish (McpSseClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_list_tools_async, error);
}

static JsonNode *
name_and_arguments (const char *name,
                    JsonNode   *arguments)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", name);
  if (arguments != NULL)
    json_object_set_member (object, "arguments", json_node_copy (arguments));

  return mcp_sse_json_object_node (object);
}

/**
 * mcp_sse_client_call_tool_async:
 * @self: a client
 * @name: the name of the tool
 * @arguments: (nullable): the arguments, an object, or %NULL for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the result
 * @user_data: data for @callback
 *
 * Sends `tools/call`, as [method@Client.request_async] does, progress
 * token included. A tool that fails reports it in the result
 * (`"isError": true`), not as a #GError.
 *
 * Since: 1.0
 */
void
mcp_sse_client_call_tool_async (McpSseClient        *self,
                                const char          *name,
                                JsonNode            *arguments,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonNode) params = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  params = name_and_arguments (name, arguments);
  new_request (self, "tools/call", params, REQUEST_WITH_PROGRESS, mcp_sse_client_call_tool_async,
               cancellable, callback, user_data);
}

/**
 * mcp_sse_client_call_tool_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.call_tool_async].
 *
 * Returns: (transfer full): the result of the call, or %NULL with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_call_tool_finish (McpSseClient  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_call_tool_async, error);
}

/**
 * mcp_sse_client_list_resources_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the whole list
 * @user_data: data for @callback
 *
 * Sends `resources/list` and merges the pages, as
 * [method@Client.list_tools_async] does.
 *
 * Since: 1.0
 */
void
mcp_sse_client_list_resources_async (McpSseClient        *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  list_all (self, "resources/list", "resources", mcp_sse_client_list_resources_async,
            cancellable, callback, user_data);
}

/**
 * mcp_sse_client_list_resources_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.list_resources_async].
 *
 * Returns: (transfer full): an object `{"resources": [...]}` with the
 *   resources of every page, or %NULL with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_list_resources_finish (McpSseClient  *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_list_resources_async, error);
}

/**
 * mcp_sse_client_read_resource_async:
 * @self: a client
 * @uri: the URI of the resource
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the contents
 * @user_data: data for @callback
 *
 * Sends `resources/read`, as [method@Client.request_async] does.
 *
 * Since: 1.0
 */
void
mcp_sse_client_read_resource_async (McpSseClient        *self,
                                    const char          *uri,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(JsonNode) params = NULL;
  JsonObject *object;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  object = json_object_new ();
  json_object_set_string_member (object, "uri", uri);
  params = mcp_sse_json_object_node (object);
  new_request (self, "resources/read", params, REQUEST_DEFAULT, mcp_sse_client_read_resource_async,
               cancellable, callback, user_data);
}

/**
 * mcp_sse_client_read_resource_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.read_resource_async].
 *
 * Returns: (transfer full): the result, with its `contents`, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_read_resource_finish (McpSseClient  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_read_resource_async, error);
}

/**
 * mcp_sse_client_list_prompts_async:
 * @self: a client
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the whole list
 * @user_data: data for @callback
 *
 * Sends `prompts/list` and merges the pages, as
 * [method@Client.list_tools_async] does.
 *
 * Since: 1.0
 */
void
mcp_sse_client_list_prompts_async (McpSseClient        *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  list_all (self, "prompts/list", "prompts", mcp_sse_client_list_prompts_async,
            cancellable, callback, user_data);
}

/**
 * mcp_sse_client_list_prompts_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.list_prompts_async].
 *
 * Returns: (transfer full): an object `{"prompts": [...]}` with the
 *   prompts of every page, or %NULL with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_list_prompts_finish (McpSseClient  *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_list_prompts_async, error);
}

/**
 * mcp_sse_client_get_prompt_async:
 * @self: a client
 * @name: the name of the prompt
 * @arguments: (nullable): the arguments, an object of strings, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the prompt
 * @user_data: data for @callback
 *
 * Sends `prompts/get`, as [method@Client.request_async] does.
 *
 * Since: 1.0
 */
void
mcp_sse_client_get_prompt_async (McpSseClient        *self,
                                 const char          *name,
                                 JsonNode            *arguments,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonNode) params = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  params = name_and_arguments (name, arguments);
  new_request (self, "prompts/get", params, REQUEST_DEFAULT, mcp_sse_client_get_prompt_async,
               cancellable, callback, user_data);
}

/**
 * mcp_sse_client_get_prompt_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.get_prompt_async].
 *
 * Returns: (transfer full): the result, with its `messages`, or %NULL
 *   with @error set
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_prompt_finish (McpSseClient  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return propagate_result (self, result, mcp_sse_client_get_prompt_async, error);
}

/* Replies to the server's requests */

static void
send_reply (McpSseClient        *self,
            JsonNode            *id,
            JsonNode            *reply,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (!mcp_sse_request_table_remove_incoming (self->requests, id))
    {
      g_autofree char *id_text = mcp_sse_json_to_text (id);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "No request with the id %s is waiting for a reply",
                               id_text);
      return;
    }

  mcp_sse_transport_send_async (self->transport, reply, cancellable,
                                on_notification_sent, g_steal_pointer (&task));
}

/**
 * mcp_sse_client_reply_async:
 * @self: a client
 * @id: the id of the request, as [signal@Client::request] gave it
 * @result: (nullable): the result, or %NULL for an empty object
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the reply was sent or failed
 * @user_data: data for @callback
 *
 * Answers the server's request @id with @result. The id keeps its JSON
 * type.
 *
 * Each request is answered once: it fails with
 * %G_IO_ERROR_INVALID_ARGUMENT, sending nothing, when no request with @id
 * waits for a reply, because it was answered already, the server
 * cancelled it (`notifications/cancelled`) or the connection closed since.
 *
 * Since: 1.0
 */
void
mcp_sse_client_reply_async (McpSseClient        *self,
                            JsonNode            *id,
                            JsonNode            *result,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonNode) reply = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  reply = mcp_sse_message_build_result (id, result);
  send_reply (self, id, reply, mcp_sse_client_reply_async, cancellable, callback, user_data);
}

/**
 * mcp_sse_client_reply_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.reply_async].
 *
 * Returns: %TRUE when the reply was delivered
 *
 * Since: 1.0
 */
gboolean
mcp_sse_client_reply_finish (McpSseClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return propagate_sent (self, result, mcp_sse_client_reply_async, error);
}

/**
 * mcp_sse_client_reply_error_async:
 * @self: a client
 * @id: the id of the request, as [signal@Client::request] gave it
 * @code: the JSON-RPC error code, such as
 *   %MCP_SSE_JSONRPC_ERROR_INVALID_PARAMS
 * @message: a short description of the error
 * @data: (nullable): the `data` member of the error, or %NULL for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the reply was sent or failed
 * @user_data: data for @callback
 *
 * Answers the server's request @id with an error, under the same rules as
 * [method@Client.reply_async].
 *
 * Since: 1.0
 */
void
mcp_sse_client_reply_error_async (McpSseClient        *self,
                                  JsonNode            *id,
                                  int                  code,
                                  const char          *message,
                                  JsonNode            *data,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonNode) reply = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (message != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  reply = mcp_sse_message_build_error (id, code, message, data);
  send_reply (self, id, reply, mcp_sse_client_reply_error_async, cancellable, callback, user_data);
}

/**
 * mcp_sse_client_reply_error_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.reply_error_async].
 *
 * Returns: %TRUE when the reply was delivered
 *
 * Since: 1.0
 */
gboolean
mcp_sse_client_reply_error_finish (McpSseClient  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return propagate_sent (self, result, mcp_sse_client_reply_error_async, error);
}

/* Accessors */

/**
 * mcp_sse_client_get_transport:
 * @self: a client
 *
 * Gets [property@Client:transport].
 *
 * Returns: (transfer none): the transport
 *
 * Since: 1.0
 */
McpSseTransport *
mcp_sse_client_get_transport (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->transport;
}

/**
 * mcp_sse_client_get_protocol_version:
 * @self: a client
 *
 * Gets [property@Client:protocol-version].
 *
 * Returns: (nullable): the protocol version agreed with the server, or
 *   %NULL before the first connection
 *
 * Since: 1.0
 */
const char *
mcp_sse_client_get_protocol_version (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->protocol_version;
}

/**
 * mcp_sse_client_get_server_info:
 * @self: a client
 *
 * Gets [property@Client:server-info].
 *
 * Returns: (transfer none) (nullable): the server's `serverInfo`, or %NULL
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_server_info (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->server_info;
}

/**
 * mcp_sse_client_get_server_capabilities:
 * @self: a client
 *
 * Gets [property@Client:server-capabilities].
 *
 * Returns: (transfer none) (nullable): the server's `capabilities`, or %NULL
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_server_capabilities (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->server_capabilities;
}

/**
 * mcp_sse_client_get_instructions:
 * @self: a client
 *
 * Gets [property@Client:instructions].
 *
 * Returns: (nullable): the server's instructions, or %NULL
 *
 * Since: 1.0
 */
const char *
mcp_sse_client_get_instructions (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->instructions;
}

/**
 * mcp_sse_client_get_request_timeout:
 * @self: a client
 *
 * Gets [property@Client:request-timeout].
 *
 * Returns: the deadline of a request in seconds, 0 for none
 *
 * Since: 1.0
 */
double
mcp_sse_client_get_request_timeout (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), 0);

  return self->request_timeout;
}

/**
 * mcp_sse_client_set_request_timeout:
 * @self: a client
 * @request_timeout: the deadline of a request in seconds, 0 for none
 *
 * Sets [property@Client:request-timeout]. Negative values are refused.
 *
 * Since: 1.0
 */
void
mcp_sse_client_set_request_timeout (McpSseClient *self,
                                    double        request_timeout)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (request_timeout >= 0);

  if (self->request_timeout == request_timeout)
    return;

  self->request_timeout = request_timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_TIMEOUT]);
}

static JsonNode *
default_client_info (void)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", "mcp-sse");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  return mcp_sse_json_object_node (object);
}

/**
 * mcp_sse_client_get_client_info:
 * @self: a client
 *
 * Gets [property@Client:client-info].
 *
 * Returns: (transfer none): the `clientInfo` sent with `initialize`
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_client_info (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->client_info;
}

/**
 * mcp_sse_client_set_client_info:
 * @self: a client
 * @client_info: (nullable): an object with at least `name` and `version`,
 *   or %NULL for the default
 *
 * Sets [property@Client:client-info].
 *
 * Since: 1.0
 */
void
mcp_sse_client_set_client_info (McpSseClient *self,
                                JsonNode     *client_info)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (client_info == NULL || JSON_NODE_HOLDS_OBJECT (client_info));

  json_node_unref (self->client_info);
  self->client_info = client_info != NULL ? json_node_copy (client_info) : default_client_info ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_INFO]);
}

/**
 * mcp_sse_client_get_capabilities:
 * @self: a client
 *
 * Gets [property@Client:capabilities].
 *
 * Returns: (transfer none): the `capabilities` sent with `initialize`
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_capabilities (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->capabilities;
}

/**
 * mcp_sse_client_set_capabilities:
 * @self: a client
 * @capabilities: (nullable): an object, or %NULL for `{}`
 *
 * Sets [property@Client:capabilities].
 *
 * Since: 1.0
 */
void
mcp_sse_client_set_capabilities (McpSseClient *self,
                                 JsonNode     *capabilities)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (capabilities == NULL || JSON_NODE_HOLDS_OBJECT (capabilities));

  json_node_unref (self->capabilities);
  self->capabilities = capabilities != NULL ? json_node_copy (capabilities) : mcp_sse_json_empty_object ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPABILITIES]);
}

/* Construction */

/**
 * mcp_sse_client_new:
 * @transport: the transport to the server
 *
 * Creates a client that talks to a server over @transport. The client
 * keeps a reference on it.
 *
 * Returns: (transfer full): a new client
 *
 * Since: 1.0
 */
McpSseClient *
mcp_sse_client_new (McpSseTransport *transport)
{
  g_return_val_if_fail (MCP_SSE_IS_TRANSPORT (transport), NULL);

  return g_object_new (MCP_SSE_TYPE_CLIENT, "transport", transport, NULL);
}

/**
 * mcp_sse_client_new_for_url:
 * @url: the URL of the server's SSE endpoint, such as `http://127.0.0.1:3001/sse`
 *
 * Creates a client over a new [class@ConnectionManager] for @url with
 * the default settings.
 *
 * Returns: (transfer full): a new client
 *
 * Since: 1.0
 */
McpSseClient *
mcp_sse_client_new_for_url (const char *url)
{
  g_autoptr(McpSseConnectionManager) manager = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  manager = mcp_sse_connection_manager_new (url);
  return mcp_sse_client_new (MCP_SSE_TRANSPORT (manager));
}

static void
mcp_sse_client_constructed (GObject *object)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  G_OBJECT_CLASS (mcp_sse_client_parent_class)->constructed (object);

  g_assert (self->transport != NULL);

  g_signal_connect (self->transport, "message", G_CALLBACK (on_transport_message), self);
  g_signal_connect (self->transport, "closed", G_CALLBACK (on_transport_closed), self);
}

static void
mcp_sse_client_dispose (GObject *object)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  /* Requests and connects in flight hold a reference, so only
   * g_object_run_dispose() finds any here. */
  if (self->connect_task != NULL)
    connect_complete (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                 "The client was disposed"));

  if (self->transport != NULL)
    g_signal_handlers_disconnect_by_data (self->transport, self);

  if (mcp_sse_request_table_has_pending (self->requests))
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The client was disposed");
      mcp_sse_request_table_fail_all (self->requests, error);
    }
  mcp_sse_request_table_clear_incoming (self->requests);

  G_OBJECT_CLASS (mcp_sse_client_parent_class)->dispose (object);
}

static void
mcp_sse_client_finalize (GObject *object)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  g_clear_object (&self->transport);
  g_main_context_unref (self->context);
  mcp_sse_request_table_free (self->requests);
  g_free (self->protocol_version);
  g_clear_pointer (&self->server_info, json_node_unref);
  g_clear_pointer (&self->server_capabilities, json_node_unref);
  g_free (self->instructions);
  json_node_unref (self->client_info);
  json_node_unref (self->capabilities);

  G_OBJECT_CLASS (mcp_sse_client_parent_class)->finalize (object);
}

static void
mcp_sse_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      g_value_set_object (value, self->transport);
      break;

    case PROP_PROTOCOL_VERSION:
      g_value_set_string (value, self->protocol_version);
      break;

    case PROP_SERVER_INFO:
      g_value_set_boxed (value, self->server_info);
      break;

    case PROP_SERVER_CAPABILITIES:
      g_value_set_boxed (value, self->server_capabilities);
      break;

    case PROP_INSTRUCTIONS:
      g_value_set_string (value, self->instructions);
      break;

    case PROP_REQUEST_TIMEOUT:
      g_value_set_double (value, self->request_timeout);
      break;

    case PROP_CLIENT_INFO:
      g_value_set_boxed (value, self->client_info);
      break;

    case PROP_CAPABILITIES:
      g_value_set_boxed (value, self->capabilities);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      self->transport = g_value_dup_object (value);
      break;

    case PROP_REQUEST_TIMEOUT:
      mcp_sse_client_set_request_timeout (self, g_value_get_double (value));
      break;

    case PROP_CLIENT_INFO:
      mcp_sse_client_set_client_info (self, g_value_get_boxed (value));
      break;

    case PROP_CAPABILITIES:
      mcp_sse_client_set_capabilities (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_client_class_init (McpSseClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mcp_sse_client_constructed;
  object_class->dispose = mcp_sse_client_dispose;
  object_class->finalize = mcp_sse_client_finalize;
  object_class->get_property = mcp_sse_client_get_property;
  object_class->set_property = mcp_sse_client_set_property;

  /**
   * McpSseClient:transport:
   *
   * The transport to the server.
   *
   * Since: 1.0
   */
  properties[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL,
                         MCP_SSE_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:protocol-version:
   *
   * The MCP protocol version agreed with the server by the last successful
   * [method@Client.connect_async], or %NULL before it.
   *
   * Since: 1.0
   */
  properties[PROP_PROTOCOL_VERSION] =
    g_param_spec_string ("protocol-version", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:server-info:
   *
   * The `serverInfo` the server sent in its answer to `initialize`
   * (`name`, `version`, ...), or %NULL before the first connection.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_INFO] =
    g_param_spec_boxed ("server-info", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:server-capabilities:
   *
   * The `capabilities` the server sent in its answer to `initialize`, or
   * %NULL before the first connection.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_CAPABILITIES] =
    g_param_spec_boxed ("server-capabilities", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:instructions:
   *
   * The `instructions` the server sent in its answer to `initialize`, a
   * hint for the model on how to use it, or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_INSTRUCTIONS] =
    g_param_spec_string ("instructions", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:request-timeout:
   *
   * How long, in seconds, a request waits for its response before it fails
   * with %MCP_SSE_ERROR_TIMEOUT; it also bounds
   * [method@Client.connect_async]. 0 means no deadline; negative values
   * are refused. A change applies to the requests made afterwards.
   *
   * Since: 1.0
   */
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_double ("request-timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:client-info:
   *
   * The `clientInfo` object sent with `initialize`; by default
   * `{"name": "mcp-sse", "version": <the library version>}`. Applications
   * may name themselves here.
   *
   * Since: 1.0
   */
  properties[PROP_CLIENT_INFO] =
    g_param_spec_boxed ("client-info", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:capabilities:
   *
   * The `capabilities` object sent with `initialize`, `{}` by default.
   * The client cannot know which server-to-client requests the
   * application answers through [signal@Client::request], so the
   * application declares them here, for example
   * `{"roots": {"listChanged": true}, "sampling": {}, "elicitation": {}}`.
   *
   * Since: 1.0
   */
  properties[PROP_CAPABILITIES] =
    g_param_spec_boxed ("capabilities", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * McpSseClient::notification:
   * @self: the client
   * @method: the method of the notification
   * @params: (nullable): its `params`, or %NULL when it had none
   *
   * Emitted for every notification from the server, progress
   * notifications included. The signal is detailed by method, so that
   * `notification::notifications/tools/list_changed` gets only those.
   *
   * Since: 1.0
   */
  signals[NOTIFICATION] =
    g_signal_new ("notification",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  NULL, NULL,
                  _mcp_sse_marshal_VOID__STRING_BOXED,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[NOTIFICATION],
                              G_TYPE_FROM_CLASS (klass),
                              _mcp_sse_marshal_VOID__STRING_BOXEDv);

  /**
   * McpSseClient::request:
   * @self: the client
   * @method: the method the server calls, such as `roots/list`,
   *   `sampling/createMessage` or `elicitation/create`
   * @id: the id of the request, to pass to [method@Client.reply_async]
   * @params: (nullable): its `params`, or %NULL when it had none
   *
   * Emitted for a request from the server. A handler that takes it on
   * returns %TRUE and answers, now or later, with
   * [method@Client.reply_async] or [method@Client.reply_error_async];
   * a handler that answers later keeps a reference on @id
   * (json_node_ref()). When no handler returns %TRUE the client answers
   * -32601, "Method not found".
   *
   * `ping` is answered by the client itself and not emitted. At most 256
   * requests may wait for a reply at once; the server's further requests
   * are answered -32603 without being emitted.
   *
   * Returns: %TRUE when the request is handled
   *
   * Since: 1.0
   */
  signals[REQUEST] =
    g_signal_new ("request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  _mcp_sse_marshal_BOOLEAN__STRING_BOXED_BOXED,
                  G_TYPE_BOOLEAN, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[REQUEST],
                              G_TYPE_FROM_CLASS (klass),
                              _mcp_sse_marshal_BOOLEAN__STRING_BOXED_BOXEDv);

  /**
   * McpSseClient::progress:
   * @self: the client
   * @token: the progress token, which is the id of the request
   * @progress: the progress so far
   * @total: the total, or -1 when the server did not say
   * @message: (nullable): what is going on, or %NULL
   *
   * Emitted for a `notifications/progress` about a request of this
   * client. Only requests made while a handler is connected carry a
   * progress token, so connect before making them.
   *
   * Since: 1.0
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  _mcp_sse_marshal_VOID__BOXED_DOUBLE_DOUBLE_STRING,
                  G_TYPE_NONE, 4,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_DOUBLE,
                  G_TYPE_DOUBLE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[PROGRESS],
                              G_TYPE_FROM_CLASS (klass),
                              _mcp_sse_marshal_VOID__BOXED_DOUBLE_DOUBLE_STRINGv);

  /**
   * McpSseClient::error:
   * @self: the client
   * @error: what was wrong
   *
   * Emitted for a message from the server that breaks the protocol, such
   * as a response for no pending request, with
   * %MCP_SSE_ERROR_INVALID_MESSAGE. The session goes on. Problems of the
   * connection are reported by the transport's own
   * [signal@Transport::error].
   *
   * Since: 1.0
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
  g_signal_set_va_marshaller (signals[ERROR],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);
}

static void
mcp_sse_client_init (McpSseClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->requests = mcp_sse_request_table_new (self->context, on_request_given_up, self);
  self->request_timeout = MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT;
  self->client_info = default_client_info ();
  self->capabilities = mcp_sse_json_empty_object ();
}
