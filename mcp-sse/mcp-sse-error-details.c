/* mcp-sse-error-details.c: what a failed operation knows beyond its GError
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-error-details-private.h"

/**
 * McpSseErrorDetails:
 *
 * What a failed asynchronous operation of the library knows beyond its
 * [struct@GLib.Error]: the `data` member of a JSON-RPC error response, the
 * status and the body of an HTTP answer that failed a send.
 *
 * A [struct@GLib.Error] has room for a domain, a code and a message only,
 * and that is all language bindings pass on. The rest is kept with the
 * operation's [iface@Gio.AsyncResult]; read it in the callback, before or
 * after calling the `_finish` function:
 *
 * ```python
 * def on_called(client, result):
 *     try:
 *         client.call_tool_finish(result)
 *     except GLib.Error as error:
 *         details = McpSse.ErrorDetails.dup_for_result(result)
 *         if details is not None and details.get_data() is not None:
 *             print(Json.to_string(details.get_data(), False))
 * ```
 *
 * Since: 1.2
 */

struct _McpSseErrorDetails
{
  JsonNode *data;
  guint http_status;
  GBytes *http_body;
};

G_DEFINE_BOXED_TYPE (McpSseErrorDetails, mcp_sse_error_details,
                     mcp_sse_error_details_ref, mcp_sse_error_details_unref)

static void
mcp_sse_error_details_free (McpSseErrorDetails *self)
{
  g_clear_pointer (&self->data, json_node_unref);
  g_clear_pointer (&self->http_body, g_bytes_unref);
}

McpSseErrorDetails *
mcp_sse_error_details_new (void)
{
  return g_atomic_rc_box_new0 (McpSseErrorDetails);
}

/**
 * mcp_sse_error_details_ref:
 * @self: the details
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.2
 */
McpSseErrorDetails *
mcp_sse_error_details_ref (McpSseErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * mcp_sse_error_details_unref:
 * @self: (transfer full): the details
 *
 * Drops a reference to @self.
 *
 * Since: 1.2
 */
void
mcp_sse_error_details_unref (McpSseErrorDetails *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) mcp_sse_error_details_free);
}

/**
 * mcp_sse_error_details_get_data:
 * @self: the details
 *
 * The `data` member of the JSON-RPC error response that failed the
 * operation, as [func@JsonrpcError.get_data] reads it from the error.
 *
 * Returns: (transfer none) (nullable): the data, or %NULL when the error
 *   response had none or the operation did not fail with one
 *
 * Since: 1.2
 */
JsonNode *
mcp_sse_error_details_get_data (McpSseErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data;
}

/**
 * mcp_sse_error_details_get_http_status:
 * @self: the details
 *
 * The HTTP status of the answer that failed the operation, as the
 * %MCP_SSE_ERROR_HTTP_STATUS error names it.
 *
 * Returns: the status, or 0 when no HTTP answer failed the operation
 *
 * Since: 1.2
 */
guint
mcp_sse_error_details_get_http_status (McpSseErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->http_status;
}

/**
 * mcp_sse_error_details_get_http_body:
 * @self: the details
 *
 * The body of the HTTP answer that failed the operation, up to its first
 * 64 KiB.
 *
 * Returns: (transfer none) (nullable): the body, or %NULL when no HTTP
 *   answer failed the operation
 *
 * Since: 1.2
 */
GBytes *
mcp_sse_error_details_get_http_body (McpSseErrorDetails *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->http_body;
}

void
mcp_sse_error_details_set_data (McpSseErrorDetails *self,
                                JsonNode           *data)
{
  g_clear_pointer (&self->data, json_node_unref);
  self->data = data != NULL ? json_node_copy (data) : NULL;
}

void
mcp_sse_error_details_set_http (McpSseErrorDetails *self,
                                guint               status,
                                GBytes             *body)
{
  self->http_status = status;
  g_clear_pointer (&self->http_body, g_bytes_unref);
  if (body == NULL)
    return;

  if (g_bytes_get_size (body) > MCP_SSE_ERROR_DETAILS_MAX_BODY)
    self->http_body = g_bytes_new_from_bytes (body, 0, MCP_SSE_ERROR_DETAILS_MAX_BODY);
  else
    self->http_body = g_bytes_ref (body);
}

static GQuark
details_quark (void)
{
  return g_quark_from_static_string ("mcp-sse-error-details");
}

/* Keeps @details with @task, for mcp_sse_error_details_dup_for_result();
 * call it before the task returns its error. */
void
mcp_sse_error_details_attach (GTask              *task,
                              McpSseErrorDetails *details)
{
  g_object_set_qdata_full (G_OBJECT (task), details_quark (),
                           mcp_sse_error_details_ref (details),
                           (GDestroyNotify) mcp_sse_error_details_unref);
}

/* Gives @to the details of @from, if it has any: an operation that fails
 * because another one failed passes on what that one knew. */
void
mcp_sse_error_details_pass_on (GAsyncResult *from,
                               GTask        *to)
{
  g_autoptr(McpSseErrorDetails) details = mcp_sse_error_details_dup_for_result (from);

  if (details != NULL)
    mcp_sse_error_details_attach (to, details);
}

/**
 * mcp_sse_error_details_dup_for_result:
 * @result: the result of a failed asynchronous operation of the library
 *
 * The details of the failure of the operation that @result completes: the
 * JSON-RPC error `data` of a request the server answered with an error,
 * the HTTP status and body of a send the server refused.
 *
 * Call it in the operation's callback, before or after its `_finish`
 * function. Every `_async` function of [class@Client] and of the HTTP
 * transport keeps details for the errors that have any.
 *
 * Returns: (transfer full) (nullable): the details, or %NULL when the
 *   operation succeeded or its error has no details beyond its message
 *
 * Since: 1.2
 */
McpSseErrorDetails *
mcp_sse_error_details_dup_for_result (GAsyncResult *result)
{
  McpSseErrorDetails *details;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  details = g_object_get_qdata (G_OBJECT (result), details_quark ());
  return details != NULL ? mcp_sse_error_details_ref (details) : NULL;
}
