/* mcp-sse-message.c: reading JSON and building JSON-RPC messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-message-private.h"

/* Reading and making JSON */

/* Wraps @object (transfer full) in a new node. */
JsonNode *
mcp_sse_json_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
mcp_sse_json_empty_object (void)
{
  return mcp_sse_json_object_node (json_object_new ());
}

gboolean
mcp_sse_json_holds (JsonNode *node,
                    GType     type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
mcp_sse_json_holds_number (JsonNode *node)
{
  return mcp_sse_json_holds (node, G_TYPE_INT64) || mcp_sse_json_holds (node, G_TYPE_DOUBLE);
}

/* Returns the member @name of @object when it is a string, else NULL. */
const char *
mcp_sse_json_get_string (JsonObject *object,
                         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return mcp_sse_json_holds (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
}

char *
mcp_sse_json_to_text (JsonNode *node)
{
  return node != NULL ? json_to_string (node, FALSE) : g_strdup ("(none)");
}

/* Messages */

JsonNode *
mcp_sse_message_build_request (gint64      id,
                               const char *method,
                               JsonNode   *params)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "jsonrpc", "2.0");
  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "method", method);
  if (params != NULL)
    json_object_set_member (object, "params", json_node_copy (params));

  return mcp_sse_json_object_node (object);
}

JsonNode *
mcp_sse_message_build_notification (const char *method,
                                    JsonNode   *params)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "jsonrpc", "2.0");
  json_object_set_string_member (object, "method", method);
  if (params != NULL)
    json_object_set_member (object, "params", json_node_copy (params));

  return mcp_sse_json_object_node (object);
}

JsonNode *
mcp_sse_message_build_result (JsonNode *id,
                              JsonNode *result)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "jsonrpc", "2.0");
  json_object_set_member (object, "id", json_node_copy (id));
  json_object_set_member (object, "result",
                          result != NULL ? json_node_copy (result) : mcp_sse_json_empty_object ());

  return mcp_sse_json_object_node (object);
}

JsonNode *
mcp_sse_message_build_error (JsonNode   *id,
                             int         code,
                             const char *message,
                             JsonNode   *data)
{
  JsonObject *object = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_int_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  if (data != NULL)
    json_object_set_member (error, "data", json_node_copy (data));

  json_object_set_string_member (object, "jsonrpc", "2.0");
  json_object_set_member (object, "id", json_node_copy (id));
  json_object_set_object_member (object, "error", error);

  return mcp_sse_json_object_node (object);
}

/* Returns a copy of @params (an object or NULL) with
 * `_meta.progressToken` set to @token; other `_meta` members are kept.
 * Any other @params is returned as it is: MCP params are objects. */
JsonNode *
mcp_sse_message_with_progress_token (JsonNode *params,
                                     JsonNode *token)
{
  JsonObject *copy, *meta;
  JsonNode *old_meta;

  if (params != NULL && !JSON_NODE_HOLDS_OBJECT (params))
    return json_node_ref (params);

  copy = json_object_new ();
  meta = json_object_new ();

  if (params != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (params));
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (copy, name, json_node_copy (member));
    }

  old_meta = json_object_get_member (copy, "_meta");
  if (old_meta != NULL && JSON_NODE_HOLDS_OBJECT (old_meta))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (old_meta));
      while (json_object_iter_next (&iter, &name, &member))
        json_object_set_member (meta, name, json_node_copy (member));
    }

  json_object_set_member (meta, "progressToken", json_node_copy (token));
  json_object_set_object_member (copy, "_meta", meta);

  return mcp_sse_json_object_node (copy);
}

/* Returns the `_meta.progressToken` of @params, or NULL. */
JsonNode *
mcp_sse_message_get_progress_token (JsonNode *params)
{
  JsonNode *meta;

  if (params == NULL || !JSON_NODE_HOLDS_OBJECT (params))
    return NULL;

  meta = json_object_get_member (json_node_get_object (params), "_meta");
  if (meta == NULL || !JSON_NODE_HOLDS_OBJECT (meta))
    return NULL;

  return json_object_get_member (json_node_get_object (meta), "progressToken");
}
