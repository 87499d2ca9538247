/* mcp-sse-client-lifecycle.c: the MCP lifecycle: the initialize handshake, stopping, closing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client-private.h"
#include "mcp-sse-error-details-private.h"
#include "mcp-sse-sources-private.h"
#include "mcp-sse-message-private.h"

/* The newest first: initialize offers the first one. */
static const char * const supported_versions[] = {
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  NULL
};

/* A connect_async() in progress: the data of its GTask. */
typedef struct
{
  GSource *timeout_source;
  GSource *cancel_source;
  gulong state_handler;
} Connecting;

void
mcp_sse_client_on_transport_closed (McpSseTransport *transport,
                                    const GError    *error,
                                    McpSseClient    *self)
{
  g_autoptr(McpSseClient) hold G_GNUC_UNUSED = g_object_ref (self);
  g_autoptr(GError) stopped = NULL;
  gboolean was_open = self->initialized;

  self->generation++;
  self->initialized = FALSE;
  mcp_sse_request_table_clear_incoming (self->requests);
  mcp_sse_request_table_clear_abandoned (self->requests);

  if (error == NULL)
    stopped = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection was stopped");
  mcp_sse_request_table_fail_all (self->requests, error != NULL ? error : stopped);

  if (was_open)
    mcp_sse_client_emit_closed (self, error);
}

/* Stopping */

static void
stop_session (McpSseClient *self)
{
  g_autoptr(GError) error = NULL;
  gboolean was_open;

  if (self->transport == NULL)
    return;

  mcp_sse_transport_stop (self->transport);

  /* In case the transport was not connected and so emitted no ::closed. */
  was_open = self->initialized;
  self->generation++;
  self->initialized = FALSE;
  mcp_sse_request_table_clear_incoming (self->requests);
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The connection was stopped");
  mcp_sse_request_table_fail_all (self->requests, error);

  if (was_open)
    mcp_sse_client_emit_closed (self, NULL);
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

/* Fails the connect_async() in progress with G_IO_ERROR_CANCELLED. */
void
mcp_sse_client_cancel_connect (McpSseClient *self,
                               const char   *reason)
{
  connect_complete (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, reason));
}

static gboolean
accept_initialize_result (McpSseClient  *self,
                          JsonNode      *result,
                          GError       **error)
{
  JsonObject *object;
  const char *version;

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

  mcp_sse_client_set_server_details (self, version,
                                     json_object_get_member (object, "serverInfo"),
                                     json_object_get_member (object, "capabilities"),
                                     mcp_sse_json_get_string (object, "instructions"));

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

  if (answer == NULL)
    mcp_sse_error_details_pass_on (result, task);

  if (answer == NULL || !accept_initialize_result (self, answer, &error))
    {
      connect_complete (self, error);
      return;
    }

  mcp_sse_transport_set_protocol_version (self->transport, self->protocol_version);

  initialized = mcp_sse_message_build_notification ("notifications/initialized", NULL);
  mcp_sse_client_transport_send (self, initialized, NULL,
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
  mcp_sse_client_send_request_task (self, "initialize", params_node, MCP_SSE_REQUEST_NO_TIMEOUT,
                                    g_steal_pointer (&task));
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
 * session is established, until the transport closes; and with
 * %G_IO_ERROR_NOT_INITIALIZED for a client made without a
 * [property@Client:transport], as every other operation of such a client
 * does. When the server answers `initialize` with an error, its `data` is
 * also in the [struct@ErrorDetails] of @callback's result.
 *
 * Each successful connect is paired with one emission of
 * [signal@Client::closed] when the session ends.
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

  if (!mcp_sse_client_check_transport (self, task))
    return;

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
 * When a session was established, [signal@Client::closed] is emitted
 * with a %NULL error before it returns, after the pending requests failed.
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
    mcp_sse_client_cancel_connect (self, "The connection was stopped");
  else
    stop_session (self);
}
