/* mcp-sse-authorizer.c: credentials for the requests of an HTTP transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-authorizer.h"

/**
 * McpSseAuthorizer:
 *
 * Gives the requests of an HTTP transport their credentials, and decides
 * what to do when the server refuses them.
 *
 * Set one as [property@ConnectionManager:authorizer]. Before every
 * request to the server's origin (the GET of the event stream and every
 * POST) the transport calls [method@Authorizer.authorize_async], which
 * adds credentials to the request's headers, typically `Authorization`.
 * It never sees a request to another origin.
 *
 * When the server answers 401 or 403, the transport calls
 * [method@Authorizer.challenge_async] with the refused request and its
 * answer (the `WWW-Authenticate` header says what the server wants). The
 * authorizer may renew its credentials and ask for one retry: the
 * transport then builds a fresh request with the same body and
 * authorizes it again. A request is retried at most once; libsoup's own
 * authentication manager never re-sends one.
 *
 * [class@BearerAuthorizer] sends a fixed bearer token. Implementing the
 * interface is as easy from Python or JavaScript as from C:
 *
 * ```python
 * class TokenAuthorizer(GObject.Object, McpSse.Authorizer):
 *     def do_authorize_async(self, msg, cancellable, callback, user_data):
 *         msg.get_request_headers().replace('Authorization', 'Bearer ' + token())
 *         task = Gio.Task.new(self, cancellable, callback, user_data)
 *         task.return_boolean(True)
 *
 *     def do_authorize_finish(self, result):
 *         return result.propagate_boolean()
 * ```
 *
 * Since: 1.2
 */

G_DEFINE_INTERFACE (McpSseAuthorizer, mcp_sse_authorizer, G_TYPE_OBJECT)

static void
mcp_sse_authorizer_real_authorize_async (McpSseAuthorizer    *self,
                                         SoupMessage         *msg,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, mcp_sse_authorizer_real_authorize_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
mcp_sse_authorizer_real_authorize_finish (McpSseAuthorizer  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_authorizer_real_challenge_async (McpSseAuthorizer    *self,
                                         SoupMessage         *msg,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, mcp_sse_authorizer_real_challenge_async);
  g_task_return_boolean (task, FALSE);
}

static gboolean
mcp_sse_authorizer_real_challenge_finish (McpSseAuthorizer  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_authorizer_default_init (McpSseAuthorizerInterface *iface)
{
  iface->authorize_async = mcp_sse_authorizer_real_authorize_async;
  iface->authorize_finish = mcp_sse_authorizer_real_authorize_finish;
  iface->challenge_async = mcp_sse_authorizer_real_challenge_async;
  iface->challenge_finish = mcp_sse_authorizer_real_challenge_finish;
}

/**
 * mcp_sse_authorizer_authorize_async:
 * @self: an authorizer
 * @msg: the request, not sent yet
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called once @msg has its credentials
 * @user_data: data for @callback
 *
 * Adds credentials to @msg, typically by setting its `Authorization`
 * request header. The transport sends @msg once this completes; it
 * calls it only for requests to the origin of its URL.
 *
 * The default implementation adds nothing.
 *
 * Since: 1.2
 */
void
mcp_sse_authorizer_authorize_async (McpSseAuthorizer    *self,
                                    SoupMessage         *msg,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_AUTHORIZER (self));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  MCP_SSE_AUTHORIZER_GET_IFACE (self)->authorize_async (self, msg, cancellable, callback, user_data);
}

/**
 * mcp_sse_authorizer_authorize_finish:
 * @self: an authorizer
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Authorizer.authorize_async]. An error fails the
 * operation that the request belongs to, and the request is not sent.
 *
 * Returns: %TRUE when the request may be sent, %FALSE with @error set
 *
 * Since: 1.2
 */
gboolean
mcp_sse_authorizer_authorize_finish (McpSseAuthorizer  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (MCP_SSE_IS_AUTHORIZER (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return MCP_SSE_AUTHORIZER_GET_IFACE (self)->authorize_finish (self, result, error);
}

/**
 * mcp_sse_authorizer_challenge_async:
 * @self: an authorizer
 * @msg: the request that the server answered with 401 or 403; its
 *   status and response headers are those of the answer
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called with the decision
 * @user_data: data for @callback
 *
 * Judges a 401 or 403 answer: the authorizer may renew its credentials
 * (for instance refresh a token, or ask for a wider scope when the
 * `WWW-Authenticate` header names `error="insufficient_scope"`) and ask
 * for a retry. The transport asks at most once per request.
 *
 * The default implementation gives up.
 *
 * Since: 1.2
 */
void
mcp_sse_authorizer_challenge_async (McpSseAuthorizer    *self,
                                    SoupMessage         *msg,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_AUTHORIZER (self));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  MCP_SSE_AUTHORIZER_GET_IFACE (self)->challenge_async (self, msg, cancellable, callback, user_data);
}

/**
 * mcp_sse_authorizer_challenge_finish:
 * @self: an authorizer
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Authorizer.challenge_async].
 *
 * %TRUE makes the transport send the request once more, as a new request
 * with the same body, authorized again by
 * [method@Authorizer.authorize_async]. %FALSE without an error gives up:
 * the operation fails with %MCP_SSE_ERROR_HTTP_STATUS naming the status.
 * %FALSE with an error fails the operation with that error.
 *
 * Returns: %TRUE to retry the request once, %FALSE to give up
 *
 * Since: 1.2
 */
gboolean
mcp_sse_authorizer_challenge_finish (McpSseAuthorizer  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (MCP_SSE_IS_AUTHORIZER (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return MCP_SSE_AUTHORIZER_GET_IFACE (self)->challenge_finish (self, result, error);
}
