/* mcp-sse-request-table.c: the requests waiting on either side
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-error.h"
#include "mcp-sse-error-details-private.h"
#include "mcp-sse-sources-private.h"
#include "mcp-sse-message-private.h"
#include "mcp-sse-request-table-private.h"

/* Server-to-client requests that may wait for a reply at once. */
#define MAX_INCOMING 256

/* Ids of requests given up (cancelled, timed out, send failed) whose late
 * responses are ignored rather than reported; the oldest are forgotten. */
#define MAX_ABANDONED 1024

struct _McpSseRequestTable
{
  GMainContext *context;
  McpSseRequestGiveUpFunc give_up;
  gpointer give_up_data;

  GHashTable *pending;      /* gint64 *id -> GTask (owned), our requests */
  gint64 next_id;
  gint64 *abandoned;        /* ring of MAX_ABANDONED ids, 0 = free slot */
  guint abandoned_next;

  GHashTable *incoming;     /* id key -> NULL, server requests awaiting a reply */

  GHashTable *progress;     /* token key -> Pending (unowned), requests reporting progress */
  gint64 next_token;
};

/* A request waiting for its response: the data of its GTask. */
typedef struct
{
  McpSseRequestTable *table;
  gint64 id;
  GTask *task;              /* unowned: the task owns this */
  char *method;
  double timeout;
  GSource *timeout_source;
  GSource *cancel_source;
  JsonNode *token;          /* the progress token, nullable */
  char *token_key;
  McpSseProgressCallback progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  const char *cancel_reason; /* a give-up notice waiting for the send to be accepted */
  guint accepted : 1;       /* the send of the request completed */
  guint done : 1;
} Pending;

McpSseRequestTable *
mcp_sse_request_table_new (GMainContext            *context,
                           McpSseRequestGiveUpFunc  give_up,
                           gpointer                 user_data)
{
  McpSseRequestTable *self = g_new0 (McpSseRequestTable, 1);

  self->context = g_main_context_ref (context);
  self->give_up = give_up;
  self->give_up_data = user_data;
  self->pending = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_object_unref);
  self->next_id = 1;
  self->incoming = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->progress = g_hash_table_new (g_str_hash, g_str_equal);
  self->next_token = 1;
  return self;
}

void
mcp_sse_request_table_free (McpSseRequestTable *self)
{
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->incoming);
  g_hash_table_unref (self->progress);
  g_free (self->abandoned);
  g_main_context_unref (self->context);
  g_free (self);
}

/* Ids */

/* A hash key for a request id that keeps its JSON type: the string "1"
 * and the number 1 are different ids. NULL for what is no valid id. */
static char *
id_key (JsonNode *id)
{
  if (mcp_sse_json_holds (id, G_TYPE_INT64))
    return g_strdup_printf ("i%" G_GINT64_FORMAT, json_node_get_int (id));
  if (mcp_sse_json_holds (id, G_TYPE_STRING))
    return g_strconcat ("s", json_node_get_string (id), NULL);
  if (mcp_sse_json_holds (id, G_TYPE_DOUBLE))
    return g_strdup_printf ("d%.17g", json_node_get_double (id));
  return NULL;
}

/* Our ids are integers: any other id matches none of our requests. */
static Pending *
lookup_pending (McpSseRequestTable *self,
                JsonNode           *id)
{
  gint64 value;
  GTask *task;

  if (!mcp_sse_json_holds (id, G_TYPE_INT64))
    return NULL;

  value = json_node_get_int (id);
  task = g_hash_table_lookup (self->pending, &value);
  return task != NULL ? g_task_get_task_data (task) : NULL;
}

/* Abandoned ids */

static void
abandon (McpSseRequestTable *self,
         gint64              id)
{
  if (self->abandoned == NULL)
    self->abandoned = g_new0 (gint64, MAX_ABANDONED);

  self->abandoned[self->abandoned_next] = id;
  self->abandoned_next = (self->abandoned_next + 1) % MAX_ABANDONED;
}

/* Returns TRUE, once, when @id belongs to a request given up on. */
gboolean
mcp_sse_request_table_forget_abandoned (McpSseRequestTable *self,
                                        JsonNode           *id)
{
  gint64 value;
  guint i;

  if (self->abandoned == NULL || !mcp_sse_json_holds (id, G_TYPE_INT64))
    return FALSE;

  value = json_node_get_int (id);
  for (i = 0; i < MAX_ABANDONED; i++)
    {
      if (self->abandoned[i] == value)
        {
          self->abandoned[i] = 0;
          return TRUE;
        }
    }

  return FALSE;
}

void
mcp_sse_request_table_clear_abandoned (McpSseRequestTable *self)
{
  g_clear_pointer (&self->abandoned, g_free);
  self->abandoned_next = 0;
}

/* Our requests */

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  g_assert (pending->timeout_source == NULL);
  g_assert (pending->cancel_source == NULL);
  g_assert (pending->token_key == NULL);
  g_assert (pending->progress_destroy == NULL);

  g_clear_pointer (&pending->token, json_node_unref);
  g_free (pending->method);
  g_free (pending);
}

/* The request no longer reports progress: its token may be used again. */
static void
stop_progress (Pending *pending)
{
  GDestroyNotify destroy = g_steal_pointer (&pending->progress_destroy);
  gpointer data = g_steal_pointer (&pending->progress_data);

  if (pending->token_key != NULL)
    {
      g_hash_table_remove (pending->table->progress, pending->token_key);
      g_clear_pointer (&pending->token_key, g_free);
    }

  pending->progress = NULL;
  if (destroy != NULL)
    destroy (data);
}

/* Completes the request of @pending with a copy of @result, or with
 * @error (transfer full) when it is not NULL. */
static void
pending_finish (Pending  *pending,
                JsonNode *result,
                GError   *error)
{
  g_autoptr(GTask) task = g_object_ref (pending->task);

  g_assert (!pending->done);
  pending->done = TRUE;

  mcp_sse_source_clear (&pending->timeout_source);
  mcp_sse_source_clear (&pending->cancel_source);
  g_hash_table_remove (pending->table->pending, &pending->id);
  stop_progress (pending);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json_node_copy (result), (GDestroyNotify) json_node_unref);
}

/* Fails a request that still waits for its response, and has the server
 * told, as MCP asks, so that it can stop working on it. */
static void
give_up (Pending    *pending,
         const char *reason,
         GError     *error)
{
  McpSseRequestTable *self = pending->table;

  abandon (self, pending->id);

  /* A notice must not overtake its request: before the request was
   * accepted it waits, and is dropped when the request fails to go. */
  if (pending->accepted)
    self->give_up (pending->id, reason, self->give_up_data);
  else
    pending->cancel_reason = reason;

  pending_finish (pending, NULL, error);
}

static gboolean
on_request_timeout (gpointer user_data)
{
  Pending *pending = user_data;

  give_up (pending, "The request timed out",
           g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                        "The request “%s” got no response within %g seconds",
                        pending->method, pending->timeout));
  return G_SOURCE_REMOVE;
}

static gboolean
on_request_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  give_up (user_data, "The request was cancelled", error);
  return G_SOURCE_REMOVE;
}

/* Adds @task (transfer full), the request @method about to be sent, and
 * returns its new id. It fails after @timeout seconds (0: never) or when
 * its cancellable is cancelled. */
gint64
mcp_sse_request_table_add (McpSseRequestTable *self,
                           GTask              *task,
                           const char         *method,
                           double              timeout)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->table = self;
  pending->id = self->next_id++;
  pending->task = task;
  pending->method = g_strdup (method);
  pending->timeout = timeout;
  g_task_set_task_data (task, pending, pending_free);

  g_hash_table_insert (self->pending, &pending->id, task);
  pending->timeout_source = mcp_sse_timeout_source_attach (self->context, timeout,
                                                           on_request_timeout, pending);
  pending->cancel_source = mcp_sse_cancel_source_attach (self->context,
                                                         g_task_get_cancellable (task),
                                                         on_request_cancelled, pending);
  return pending->id;
}

/* Has the request of @task, just added, report progress: under @token
 * when it is not NULL (the caller's own), else under a new token of ours,
 * which is independent of the request id. @progress, when not NULL, is
 * called for each report; @progress_destroy frees @progress_data when the
 * request is over, or at once when this fails. Returns the token
 * (transfer none), or NULL when @token is not a valid token or is in use
 * by another request. */
JsonNode *
mcp_sse_request_table_watch_progress (McpSseRequestTable     *self,
                                      GTask                  *task,
                                      JsonNode               *token,
                                      McpSseProgressCallback  progress,
                                      gpointer                progress_data,
                                      GDestroyNotify          progress_destroy,
                                      GError                **error)
{
  Pending *pending = g_task_get_task_data (task);
  g_autofree char *key = NULL;

  g_assert (pending->token == NULL);

  if (token != NULL)
    {
      key = id_key (token);
      if (key == NULL || g_hash_table_contains (self->progress, key))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               key == NULL ? "The progress token is neither a string nor a number"
                                           : "The progress token is in use by another request");
          if (progress_destroy != NULL)
            progress_destroy (progress_data);
          return NULL;
        }
      pending->token = json_node_copy (token);
    }
  else
    {
      /* Skips the numbers a caller chose for tokens of its own. */
      for (;;)
        {
          key = g_strdup_printf ("i%" G_GINT64_FORMAT, self->next_token);
          if (!g_hash_table_contains (self->progress, key))
            break;
          g_clear_pointer (&key, g_free);
          self->next_token++;
        }

      pending->token = json_node_init_int (json_node_alloc (), self->next_token++);
    }

  pending->token_key = g_steal_pointer (&key);
  pending->progress = progress;
  pending->progress_data = progress_data;
  pending->progress_destroy = progress_destroy;
  g_hash_table_insert (self->progress, pending->token_key, pending);
  return pending->token;
}

/* Returns the method of our request @id, or NULL when none such waits. */
const char *
mcp_sse_request_table_lookup (McpSseRequestTable *self,
                              JsonNode           *id)
{
  Pending *pending = lookup_pending (self, id);

  return pending != NULL ? pending->method : NULL;
}

/* Finds our request reporting progress under @token. When there is one,
 * returns TRUE and its callback, if it has one, and the callback's data. */
gboolean
mcp_sse_request_table_lookup_progress (McpSseRequestTable      *self,
                                       JsonNode                *token,
                                       McpSseProgressCallback  *progress,
                                       gpointer                *progress_data)
{
  g_autofree char *key = token != NULL ? id_key (token) : NULL;
  Pending *pending = key != NULL ? g_hash_table_lookup (self->progress, key) : NULL;

  if (pending == NULL)
    return FALSE;

  *progress = pending->progress;
  *progress_data = pending->progress_data;
  return TRUE;
}

/* Completes our request @id, which must be waiting, with a copy of
 * @result, or with @error (transfer full) when it is not NULL. */
void
mcp_sse_request_table_complete (McpSseRequestTable *self,
                                JsonNode           *id,
                                JsonNode           *result,
                                GError             *error)
{
  Pending *pending = lookup_pending (self, id);
  JsonNode *data;

  g_return_if_fail (pending != NULL);

  /* Bindings see a GError's domain, code and message only. */
  data = error != NULL ? mcp_sse_jsonrpc_error_get_data (error) : NULL;
  if (data != NULL)
    {
      g_autoptr(McpSseErrorDetails) details = mcp_sse_error_details_new ();

      mcp_sse_error_details_set_data (details, data);
      mcp_sse_error_details_attach (pending->task, details);
    }

  pending_finish (pending, result, error);
}

/* Notes how the send of the request of @task ended: with success (@error
 * NULL), the server accepted it, and a cancellation notice that waited for
 * that goes out now; with @error (transfer full), the request fails with
 * it and with the details of @send_result (nullable), when it still
 * waits, and no notice is sent for it. */
void
mcp_sse_request_table_sent (McpSseRequestTable *self,
                            GTask              *task,
                            GAsyncResult       *send_result,
                            GError             *error)
{
  Pending *pending = g_task_get_task_data (task);

  if (error == NULL)
    {
      const char *reason = g_steal_pointer (&pending->cancel_reason);

      pending->accepted = TRUE;
      if (reason != NULL)
        self->give_up (pending->id, reason, self->give_up_data);
      return;
    }

  pending->cancel_reason = NULL;
  if (pending->done)
    {
      g_error_free (error);
      return;
    }

  /* The server may have seen it all the same: ignore a late answer. */
  abandon (self, pending->id);
  if (send_result != NULL)
    mcp_sse_error_details_pass_on (send_result, task);
  pending_finish (pending, NULL, error);
}

void
mcp_sse_request_table_fail_all (McpSseRequestTable *self,
                                const GError       *error)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer task;
  guint i;

  /* Callbacks may make new requests: fail only those pending now. */
  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, NULL, &task))
    g_ptr_array_add (tasks, g_object_ref (task));

  for (i = 0; i < tasks->len; i++)
    {
      Pending *pending = g_task_get_task_data (g_ptr_array_index (tasks, i));

      if (!pending->done)
        pending_finish (pending, NULL, g_error_copy (error));
    }
}

gboolean
mcp_sse_request_table_has_pending (McpSseRequestTable *self)
{
  return g_hash_table_size (self->pending) > 0;
}

/* The server's requests */

/* JSON-RPC ids are strings or numbers. */
gboolean
mcp_sse_request_id_is_valid (JsonNode *id)
{
  g_autofree char *key = id_key (id);

  return key != NULL;
}

/* Notes that the server's request @id, a valid id, waits for a reply,
 * unless one with the same id waits already or too many do. */
McpSseIncomingStatus
mcp_sse_request_table_add_incoming (McpSseRequestTable *self,
                                    JsonNode           *id)
{
  g_autofree char *key = id_key (id);

  g_return_val_if_fail (key != NULL, MCP_SSE_INCOMING_REUSED_ID);

  if (g_hash_table_contains (self->incoming, key))
    return MCP_SSE_INCOMING_REUSED_ID;

  if (g_hash_table_size (self->incoming) >= MAX_INCOMING)
    return MCP_SSE_INCOMING_TOO_MANY;

  g_hash_table_add (self->incoming, g_steal_pointer (&key));
  return MCP_SSE_INCOMING_ADDED;
}

/* Returns TRUE, once, when the server's request @id waited for a reply. */
gboolean
mcp_sse_request_table_remove_incoming (McpSseRequestTable *self,
                                       JsonNode           *id)
{
  g_autofree char *key = id_key (id);

  return key != NULL && g_hash_table_remove (self->incoming, key);
}

void
mcp_sse_request_table_clear_incoming (McpSseRequestTable *self)
{
  g_hash_table_remove_all (self->incoming);
}
