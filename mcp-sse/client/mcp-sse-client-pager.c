/* mcp-sse-client-pager.c: whole lists, walked page by page
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client-private.h"
#include "mcp-sse-error-details-private.h"
#include "mcp-sse-message-private.h"

/* The most pages a list walk fetches. */
#define MAX_PAGES 1000

/* A list walk over pages: the data of its GTask. */
typedef struct
{
  const char *method;
  const char *key;
  JsonArray *items;
  GHashTable *cursors;      /* every cursor requested so far */
  guint pages;
} Walk;

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
  if (page == NULL)
    mcp_sse_error_details_pass_on (result, walk_task);
  if (page == NULL || !add_page (walk, page, &cursor, &error))
    {
      g_task_return_error (walk_task, error);
      return;
    }

  if (cursor == NULL)
    {
      whole = json_object_new ();
      json_object_set_array_member (whole, walk->key, json_array_ref (walk->items));
      g_task_return_pointer (walk_task, mcp_sse_json_object_node (whole),
                             (GDestroyNotify) json_node_unref);
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
  mcp_sse_client_send_request_task (self, walk->method, params, MCP_SSE_REQUEST_DEFAULT,
                                    g_steal_pointer (&page));
}

void
mcp_sse_client_list_all (McpSseClient        *self,
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

  if (!mcp_sse_client_check_transport (self, task))
    return;

  request_page (self, g_steal_pointer (&task), NULL);
}
