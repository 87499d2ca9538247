/* mcp-sse-client-send.c: what the client sends: requests, notifications and replies
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client-private.h"
#include "mcp-sse-debug-private.h"
#include "mcp-sse-error-details-private.h"
#include "mcp-sse-message-private.h"

/* Fire-and-forget sends: cancellation notices and replies the client
 * makes itself. Nobody waits for them, so a failure is only logged. */

/* Logs @message under MCP_SSE_DEBUG=jsonrpc; @direction is "<" for what
 * arrives, ">" for what leaves. */
void
mcp_sse_client_note_message (const char *direction,
                             JsonNode   *message)
{
  g_autofree char *text = NULL;

  if (!MCP_SSE_DEBUG_ENABLED (JSONRPC))
    return;

  text = mcp_sse_json_to_text (message);
  mcp_sse_debug_print (MCP_SSE_DEBUG_JSONRPC, "%s %s", direction, text);
}

/* Every message the client sends goes out here. */
void
mcp_sse_client_transport_send (McpSseClient        *self,
                               JsonNode            *message,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  mcp_sse_client_note_message (">", message);
  mcp_sse_transport_send_async (self->transport, message, cancellable, callback, user_data);
}

static void
on_unattended_send_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error))
    g_debug ("Could not send a message: %s", error->message);
}

void
mcp_sse_client_send_unattended (McpSseClient *self,
                                JsonNode     *message)
{
  mcp_sse_client_transport_send (self, message, NULL, on_unattended_send_done, NULL);
}

/* Fails @task with G_IO_ERROR_NOT_INITIALIZED, and returns FALSE, when
 * the client was made without a transport. */
gboolean
mcp_sse_client_check_transport (McpSseClient *self,
                                GTask        *task)
{
  if (self->transport != NULL)
    return TRUE;

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "The client was made without a transport");
  return FALSE;
}

/* The client's own replies to the server's requests (pings, refusals)
 * are bounded: a server that sends requests faster than their replies
 * leave would otherwise have the client queue sends without end. */

static void
on_reply_sent (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(McpSseClient) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error))
    g_debug ("Could not send a reply: %s", error->message);

  g_assert (self->replies_in_flight > 0);
  if (--self->replies_in_flight == 0)
    self->flood_reported = FALSE;
}

/* Returns TRUE when a reply may be sent now. Otherwise
 * MCP_SSE_CLIENT_MAX_REPLIES_IN_FLIGHT replies are being sent already:
 * the request is to be dropped, which is reported on ::error once until
 * the replies in flight drained. */
gboolean
mcp_sse_client_may_reply (McpSseClient *self)
{
  if (self->replies_in_flight >= MCP_SSE_CLIENT_MAX_REPLIES_IN_FLIGHT)
    {
      if (!self->flood_reported)
        {
          self->flood_reported = TRUE;
          mcp_sse_client_emit_error (self,
                                     g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                                                  "The server sends requests faster than they can be "
                                                  "answered: requests beyond %u replies in flight are "
                                                  "dropped unanswered",
                                                  MCP_SSE_CLIENT_MAX_REPLIES_IN_FLIGHT));
        }
      return FALSE;
    }

  return TRUE;
}

/* Sends @reply unless mcp_sse_client_may_reply() says no. */
gboolean
mcp_sse_client_reply_unattended (McpSseClient *self,
                                 JsonNode     *reply)
{
  if (!mcp_sse_client_may_reply (self))
    return FALSE;

  self->replies_in_flight++;
  mcp_sse_client_transport_send (self, reply, NULL, on_reply_sent, g_object_ref (self));
  return TRUE;
}

void
mcp_sse_client_reply_error_unattended (McpSseClient *self,
                                       JsonNode     *id,
                                       int           code,
                                       const char   *message)
{
  g_autoptr(JsonNode) reply = mcp_sse_message_build_error (id, code, message, NULL);

  mcp_sse_client_reply_unattended (self, reply);
}

/* Requests */

/* Tells the server that the client gave up on its request @id, as MCP
 * asks, so that it can stop working on it. */
void
mcp_sse_client_send_cancelled (gint64      id,
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

  mcp_sse_client_send_unattended (self, notice);
}

static void
on_request_sent (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  McpSseClient *self = g_task_get_source_object (task);
  GError *error = NULL;

  mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error);
  mcp_sse_request_table_sent (self->requests, task, result, error);
}

/* Sends the request @method and completes @task (transfer full) with the
 * `result` of its response. @params is (transfer none).
 *
 * The request carries a progress token, which is independent of its id,
 * when @params has one already (the caller's own, kept as it is), when
 * @progress is given, or when @flags ask for one and ::progress is
 * watched. @progress_destroy frees @progress_data once the request is
 * over. */
void
mcp_sse_client_send_request_task_full (McpSseClient           *self,
                                       const char             *method,
                                       JsonNode               *params,
                                       McpSseRequestFlags      flags,
                                       McpSseProgressCallback  progress,
                                       gpointer                progress_data,
                                       GDestroyNotify          progress_destroy,
                                       GTask                  *task)
{
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(JsonNode) with_token = NULL;
  JsonNode *own_token;
  double timeout;
  gint64 id;

  if (!mcp_sse_client_check_transport (self, task) || g_task_return_error_if_cancelled (task))
    {
      if (progress_destroy != NULL)
        progress_destroy (progress_data);
      g_object_unref (task);
      return;
    }

  timeout = (flags & MCP_SSE_REQUEST_NO_TIMEOUT) ? 0 : self->request_timeout;
  id = mcp_sse_request_table_add (self->requests, task, method, timeout);

  own_token = mcp_sse_message_get_progress_token (params);
  if (own_token != NULL || progress != NULL ||
      ((flags & MCP_SSE_REQUEST_WITH_PROGRESS) && mcp_sse_client_watches_progress (self)))
    {
      GError *error = NULL;
      JsonNode *token;

      token = mcp_sse_request_table_watch_progress (self->requests, task, own_token,
                                                    progress, progress_data, progress_destroy,
                                                    &error);
      if (token == NULL)
        {
          /* Nothing was sent: the request fails as an unsent one. */
          mcp_sse_request_table_sent (self->requests, task, NULL, error);
          return;
        }

      if (own_token == NULL)
        {
          with_token = mcp_sse_message_with_progress_token (params, token);
          params = with_token;
        }
    }
  else if (progress_destroy != NULL)
    progress_destroy (progress_data);

  message = mcp_sse_message_build_request (id, method, params);
  mcp_sse_client_transport_send (self, message, NULL, on_request_sent, g_object_ref (task));
}

void
mcp_sse_client_send_request_task (McpSseClient       *self,
                                  const char         *method,
                                  JsonNode           *params,
                                  McpSseRequestFlags  flags,
                                  GTask              *task)
{
  mcp_sse_client_send_request_task_full (self, method, params, flags, NULL, NULL, NULL, task);
}

JsonNode *
mcp_sse_client_propagate_result (McpSseClient  *self,
                                 GAsyncResult  *result,
                                 gpointer       source_tag,
                                 GError       **error)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
mcp_sse_client_send_request (McpSseClient        *self,
                             const char          *method,
                             JsonNode            *params,
                             McpSseRequestFlags         flags,
                             gpointer             source_tag,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  mcp_sse_client_send_request_task (self, method, params, flags, g_steal_pointer (&task));
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
 * server's progress notifications for it are emitted there. A
 * `_meta.progressToken` that @params has already is kept as it is, and
 * the progress reported for it is emitted there too, connected or not;
 * the request fails with %G_IO_ERROR_INVALID_ARGUMENT, sending nothing,
 * when another request of the client uses the same token. To follow the
 * progress of one request, use
 * [method@Client.request_with_progress_async].
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

  mcp_sse_client_send_request (self, method, params, MCP_SSE_REQUEST_WITH_PROGRESS,
                               mcp_sse_client_request_async, cancellable, callback, user_data);
}

/**
 * mcp_sse_client_request_with_progress_async:
 * @self: a client
 * @method: the method to call
 * @params: (nullable): the `params` of the request, or %NULL for none
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called for each progress report about this request
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data once the request is
 *   over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the response
 * @user_data: data for @callback
 *
 * Sends the JSON-RPC request @method as [method@Client.request_async]
 * does, and calls @progress for each `notifications/progress` the server
 * sends about it, whether or not a handler is connected to
 * [signal@Client::progress] (which is emitted as well).
 *
 * The request carries the `_meta.progressToken` of @params when it has
 * one; otherwise the client adds a token of its own (to a copy of
 * @params), an integer unrelated to the request's JSON-RPC id. Either way
 * it fails with %G_IO_ERROR_INVALID_ARGUMENT, sending nothing, when
 * another request of the client uses the same token.
 *
 * @progress is not called after the request completed: @progress_destroy
 * is called then, before @callback runs.
 *
 * Since: 1.2
 */
void
mcp_sse_client_request_with_progress_async (McpSseClient           *self,
                                            const char             *method,
                                            JsonNode               *params,
                                            McpSseProgressCallback  progress,
                                            gpointer                progress_data,
                                            GDestroyNotify          progress_destroy,
                                            GCancellable           *cancellable,
                                            GAsyncReadyCallback     callback,
                                            gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_client_request_with_progress_async);
  mcp_sse_client_send_request_task_full (self, method, params, MCP_SSE_REQUEST_WITH_PROGRESS,
                                         progress, progress_data, progress_destroy,
                                         g_steal_pointer (&task));
}

/**
 * mcp_sse_client_request_with_progress_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.request_with_progress_async].
 *
 * Returns: (transfer full): the `result` member of the response, or
 *   %NULL with @error set
 *
 * Since: 1.2
 */
JsonNode *
mcp_sse_client_request_with_progress_finish (McpSseClient  *self,
                                             GAsyncResult  *result,
                                             GError       **error)
{
  return mcp_sse_client_propagate_result (self, result,
                                          mcp_sse_client_request_with_progress_async, error);
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_request_async, error);
}

static void
on_notification_sent (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  mcp_sse_error_details_pass_on (result, task);
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
  if (!mcp_sse_client_check_transport (self, task))
    return;

  message = mcp_sse_message_build_notification (method, params);
  mcp_sse_client_transport_send (self, message, cancellable,
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

  if (!mcp_sse_client_check_transport (self, task))
    return;

  if (!mcp_sse_request_table_remove_incoming (self->requests, id))
    {
      g_autofree char *id_text = mcp_sse_json_to_text (id);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "No request with the id %s is waiting for a reply",
                               id_text);
      return;
    }

  mcp_sse_client_transport_send (self, reply, cancellable,
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
