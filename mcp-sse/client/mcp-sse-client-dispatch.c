/* mcp-sse-client-dispatch.c: handling what the server sends
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client-private.h"
#include "mcp-sse-error-private.h"
#include "mcp-sse-message-private.h"

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

  mcp_sse_client_emit_error (self, error);
}

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
      /* Itself a reply, and bounded as such. */
      mcp_sse_client_reply_error_unattended (self, id, MCP_SSE_JSONRPC_ERROR_INTERNAL_ERROR,
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
  gboolean handled;

  if (!mcp_sse_request_id_is_valid (id))
    {
      g_autofree char *id_text = mcp_sse_json_to_text (id);

      report_invalid_message (self, "The request “%s” has an id that is neither a string nor a number: %s",
                              method, id_text);
      return;
    }

  if (g_str_equal (method, "ping"))
    {
      g_autoptr(JsonNode) reply = NULL;

      /* Checked first, so that a flood of pings costs no allocation. */
      if (!mcp_sse_client_may_reply (self))
        return;

      reply = mcp_sse_message_build_result (id, NULL);
      mcp_sse_client_reply_unattended (self, reply);
      return;
    }

  if (!expect_reply (self, method, id))
    return;

  handled = mcp_sse_client_emit_request (self, method, id, params);

  /* Unless a handler answered or will answer, or the connection closed. */
  if (!handled && mcp_sse_request_table_remove_incoming (self->requests, id))
    mcp_sse_client_reply_error_unattended (self, id, MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND,
                                           "Method not found");
}

static void
handle_progress (McpSseClient *self,
                 JsonNode     *params)
{
  McpSseProgressCallback callback = NULL;
  gpointer callback_data = NULL;
  g_autoptr(JsonNode) token = NULL;
  g_autofree char *message = NULL;
  JsonObject *object;
  JsonNode *progress, *total;
  double progress_value, total_value;

  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    return;

  object = json_node_get_object (params);
  token = json_object_dup_member (object, "progressToken");
  progress = json_object_get_member (object, "progress");
  total = json_object_get_member (object, "total");

  if (!mcp_sse_json_holds_number (progress) ||
      !mcp_sse_request_table_lookup_progress (self->requests, token, &callback, &callback_data))
    return;

  /* Read now: a handler may complete the request or drop the message. */
  progress_value = json_node_get_double (progress);
  total_value = mcp_sse_json_holds_number (total) ? json_node_get_double (total) : -1.0;
  message = g_strdup (mcp_sse_json_get_string (object, "message"));

  if (callback != NULL)
    {
      guint generation = self->generation;

      callback (self, token, progress_value, total_value, message, callback_data);

      /* The callback may have stopped the session, or ended the request. */
      if (self->generation != generation)
        return;
    }

  mcp_sse_client_emit_progress (self, token, progress_value, total_value, message);
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

  mcp_sse_client_emit_notification (self, method, params);
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

void
mcp_sse_client_on_transport_message (McpSseTransport *transport,
                                     JsonNode        *message,
                                     McpSseClient    *self)
{
  g_autoptr(McpSseClient) hold G_GNUC_UNUSED = g_object_ref (self);

  mcp_sse_client_note_message ("<", message);

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
