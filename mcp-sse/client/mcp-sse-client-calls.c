/* mcp-sse-client-calls.c: the typed MCP calls: ping, tools, resources and prompts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client-private.h"
#include "mcp-sse-message-private.h"

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

  mcp_sse_client_send_request (self, "ping", NULL, MCP_SSE_REQUEST_DEFAULT, mcp_sse_client_ping_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_ping_async, error);
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

  mcp_sse_client_list_all (self, "tools/list", "tools", mcp_sse_client_list_tools_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_list_tools_async, error);
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
  mcp_sse_client_send_request (self, "tools/call", params, MCP_SSE_REQUEST_WITH_PROGRESS,
                               mcp_sse_client_call_tool_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_call_tool_async, error);
}

/**
 * mcp_sse_client_call_tool_with_progress_async:
 * @self: a client
 * @name: the name of the tool
 * @arguments: (nullable): the arguments, an object, or %NULL for none
 * @progress: (nullable) (scope notified) (closure progress_data) (destroy progress_destroy):
 *   called for each progress report about this call
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data once the call is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async) (closure user_data): called with the result
 * @user_data: data for @callback
 *
 * Sends `tools/call` as [method@Client.call_tool_async] does, with a
 * progress token of the client's own, unrelated to the request's JSON-RPC
 * id, and calls @progress for each `notifications/progress` the server
 * sends about this call, as [method@Client.request_with_progress_async]
 * does. Concurrent calls each get their own reports.
 *
 * Since: 1.2
 */
void
mcp_sse_client_call_tool_with_progress_async (McpSseClient           *self,
                                              const char             *name,
                                              JsonNode               *arguments,
                                              McpSseProgressCallback  progress,
                                              gpointer                progress_data,
                                              GDestroyNotify          progress_destroy,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data)
{
  g_autoptr(JsonNode) params = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_client_call_tool_with_progress_async);
  params = name_and_arguments (name, arguments);
  mcp_sse_client_send_request_task_full (self, "tools/call", params, MCP_SSE_REQUEST_WITH_PROGRESS,
                                         progress, progress_data, progress_destroy,
                                         g_steal_pointer (&task));
}

/**
 * mcp_sse_client_call_tool_with_progress_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Client.call_tool_with_progress_async].
 *
 * Returns: (transfer full): the result of the call, or %NULL with @error set
 *
 * Since: 1.2
 */
JsonNode *
mcp_sse_client_call_tool_with_progress_finish (McpSseClient  *self,
                                               GAsyncResult  *result,
                                               GError       **error)
{
  return mcp_sse_client_propagate_result (self, result,
                                          mcp_sse_client_call_tool_with_progress_async, error);
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

  mcp_sse_client_list_all (self, "resources/list", "resources", mcp_sse_client_list_resources_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_list_resources_async, error);
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
  mcp_sse_client_send_request (self, "resources/read", params, MCP_SSE_REQUEST_DEFAULT,
                               mcp_sse_client_read_resource_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_read_resource_async, error);
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

  mcp_sse_client_list_all (self, "prompts/list", "prompts", mcp_sse_client_list_prompts_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_list_prompts_async, error);
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
  mcp_sse_client_send_request (self, "prompts/get", params, MCP_SSE_REQUEST_DEFAULT,
                               mcp_sse_client_get_prompt_async,
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
  return mcp_sse_client_propagate_result (self, result, mcp_sse_client_get_prompt_async, error);
}
