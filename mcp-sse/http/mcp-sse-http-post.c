/* mcp-sse-http-post.c: the POSTs of an HTTP core
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * At most max_running POSTs run at once, fewer than the session's
 * connections per host so that the GET keeps one; the others wait in a
 * bounded FIFO of our own, on their own deadline (libsoup's queue costs
 * time quadratic in its length). A POST completes as soon as the headers
 * of its answer say it succeeded; the rest of the body is dropped with
 * its connection unless it had already arrived. A failed POST keeps up to
 * MCP_SSE_ERROR_DETAILS_MAX_BODY bytes of its answer for the details.
 */

#include "config.h"

#include "mcp-sse-authorizer.h"
#include "mcp-sse-error.h"
#include "mcp-sse-error-details-private.h"
#include "mcp-sse-http-core-private.h"
#include "mcp-sse-http-policy-private.h"
#include "mcp-sse-http-post-private.h"
#include "mcp-sse-redact-private.h"
#include "mcp-sse-sources-private.h"

struct _McpSsePostQueue
{
  GQueue posts;                     /* Post, every POST not completed */
  GQueue waiting;                   /* Post, those not started yet, in order */
  guint n_running;
  guint max_running;
};

McpSsePostQueue *
mcp_sse_post_queue_new (void)
{
  McpSsePostQueue *queue = g_new0 (McpSsePostQueue, 1);

  queue->max_running = 1;
  return queue;
}

void
mcp_sse_post_queue_free (McpSsePostQueue *queue)
{
  g_assert (g_queue_is_empty (&queue->posts));
  g_assert (g_queue_is_empty (&queue->waiting));
  g_free (queue);
}

static McpSsePostQueue *
queue_of (McpSseHttpCore *core)
{
  return mcp_sse_http_core_get_post_queue (core);
}

void
mcp_sse_post_queue_set_max_running (McpSsePostQueue *queue,
                                    guint            max_running)
{
  queue->max_running = max_running;
}

/* How many POSTs may wait for a connection; beyond, a send fails at once. */
#define MAX_WAITING 10000

/* The most of a failed answer that is read, for the error details. */
#define MAX_ERROR_BODY MCP_SSE_ERROR_DETAILS_MAX_BODY

/* One POST, from the call to its completion; the data of its GTask. */
typedef struct
{
  McpSseHttpCore *core;
  GTask *task;                      /* ours until the POST completes */
  GUri *uri;
  char *content_type;
  GBytes *body;
  SoupMessage *msg;
  GInputStream *stream;             /* the answer's body */
  guint8 *error_body;               /* what was read of a failed answer */
  gsize error_body_length;
  GCancellable *cancellable;        /* ours: cancelled by every reason to give up */
  GCancellable *caller_cancellable;
  gulong caller_cancelled_id;
  GSource *deadline;
  GSource *waiting_cancelled;       /* while waiting: a give-up completes it */
  GError *abort_error;              /* why we gave up, NULL for a plain stop */
  gboolean running;                 /* counted in n_running */
  gboolean retried;                 /* the authorizer had its one retry */
  GList link;                       /* in the queue's posts */
  GList waiting_link;               /* in the queue's waiting */
} Post;

static void post_run (Post *post);
static void post_read_error_body (Post *post);

static void
post_free (Post *post)
{
  g_assert (post->deadline == NULL);
  g_assert (post->waiting_cancelled == NULL);
  g_assert (post->stream == NULL);
  g_clear_object (&post->msg);
  g_clear_object (&post->cancellable);
  g_clear_object (&post->caller_cancellable);
  g_clear_error (&post->abort_error);
  g_clear_pointer (&post->uri, g_uri_unref);
  g_clear_pointer (&post->body, g_bytes_unref);
  g_free (post->content_type);
  g_free (post->error_body);
  mcp_sse_http_core_unref (post->core);
  g_free (post);
}

static void
post_abort (Post         *post,
            const GError *error)
{
  if (post->abort_error == NULL && error != NULL)
    post->abort_error = g_error_copy (error);
  g_cancellable_cancel (post->cancellable);
}

/* Gives up every POST not completed: each fails with @error, or with
 * G_IO_ERROR_CANCELLED when @error is NULL. Their callbacks run later. */
void
mcp_sse_http_core_fail_posts (McpSseHttpCore *core,
                              const GError   *error)
{
  GList *l;

  for (l = queue_of (core)->posts.head; l != NULL; l = l->next)
    post_abort (l->data, error);
}

/* Starts the waiting POSTs that the running ones leave room for. */
static gboolean
queue_has_room (McpSsePostQueue *queue)
{
  return queue->n_running < queue->max_running;
}

static void
core_run_waiting (McpSseHttpCore *core)
{
  McpSsePostQueue *queue = queue_of (core);

  while (queue_has_room (queue) && !g_queue_is_empty (&queue->waiting))
    {
      Post *post = g_queue_peek_head (&queue->waiting);

      g_queue_unlink (&queue->waiting, &post->waiting_link);
      post->waiting_link.data = NULL;

      /* Given up already: its cancellation source completes it. */
      if (g_cancellable_is_cancelled (post->cancellable))
        continue;

      mcp_sse_source_clear (&post->waiting_cancelled);
      post_run (post);
    }
}

/* Completes the POST: successfully when @error is NULL. The error
 * details, if any, are the status of @post's answer and what was read of
 * its body. */
static void
post_complete (Post     *post,
               GError   *error,
               gboolean  with_details)
{
  g_autoptr(McpSseHttpCore) core = mcp_sse_http_core_ref (post->core);
  g_autoptr(GTask) task = g_steal_pointer (&post->task);

  g_queue_unlink (&queue_of (core)->posts, &post->link);
  if (post->waiting_link.data != NULL)
    g_queue_unlink (&queue_of (core)->waiting, &post->waiting_link);
  post->waiting_link.data = NULL;
  if (post->running)
    queue_of (core)->n_running--;
  post->running = FALSE;
  mcp_sse_source_clear (&post->deadline);
  mcp_sse_source_clear (&post->waiting_cancelled);
  if (post->caller_cancelled_id != 0)
    g_cancellable_disconnect (post->caller_cancellable, post->caller_cancelled_id);
  post->caller_cancelled_id = 0;
  if (post->stream != NULL)
    {
      mcp_sse_http_close_stream_now (post->stream);
      g_clear_object (&post->stream);
    }

  if (error == NULL)
    g_task_return_boolean (task, TRUE);
  else
    {
      if (with_details)
        {
          g_autoptr(McpSseErrorDetails) details = mcp_sse_error_details_new ();
          g_autoptr(GBytes) body = g_bytes_new (post->error_body, post->error_body_length);

          mcp_sse_error_details_set_http (details, soup_message_get_status (post->msg), body);
          mcp_sse_error_details_attach (task, details);
        }
      g_task_return_error (task, error);
    }

  /* The task, and the post with it, may be gone. */
  g_clear_object (&task);
  core_run_waiting (core);
}

/* Completes the POST with the reason it was given up for, or with
 * @error (which it takes) when there is none. */
static void
post_fail (Post   *post,
           GError *error)
{
  if (post->abort_error != NULL)
    {
      g_clear_error (&error);
      error = g_steal_pointer (&post->abort_error);
    }
  else if (error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The send was cancelled");

  post_complete (post, error, FALSE);
}

static gboolean
on_post_deadline (gpointer user_data)
{
  Post *post = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = mcp_sse_redact_uri (post->uri);

  error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                       "POST %s got no answer within %g s",
                       uri, mcp_sse_http_core_get_timeout (post->core));
  post_abort (post, error);
  return G_SOURCE_CONTINUE;
}

/* A waiting POST was given up: it never reaches libsoup. */
static gboolean
on_waiting_cancelled (GCancellable *cancellable,
                      gpointer      user_data)
{
  post_fail (user_data, NULL);
  return G_SOURCE_REMOVE;
}

/* A successful answer completes the POST at once. A body that has
 * already arrived whole is read, so the connection goes back to the
 * pool; any other is dropped with its connection. */
static void
post_succeed (Post *post)
{
  GPollableInputStream *pollable = G_IS_POLLABLE_INPUT_STREAM (post->stream) ?
                                     G_POLLABLE_INPUT_STREAM (post->stream) : NULL;
  gboolean at_end = FALSE;

  if (pollable != NULL && g_pollable_input_stream_can_poll (pollable))
    {
      guint8 buffer[4096];
      gsize total = 0;

      while (total < MAX_ERROR_BODY)
        {
          gssize n_read = g_pollable_input_stream_read_nonblocking (pollable, buffer, sizeof buffer,
                                                                    NULL, NULL);

          if (n_read <= 0)
            {
              at_end = n_read == 0;
              break;
            }
          total += n_read;
        }
    }

  if (at_end)
    {
      g_input_stream_close (post->stream, NULL, NULL);
      g_clear_object (&post->stream);
    }

  post_complete (post, NULL, FALSE);
}

static void
post_fail_status (Post *post)
{
  guint status = soup_message_get_status (post->msg);
  GError *error;

  if (SOUP_STATUS_IS_REDIRECTION (status))
    error = mcp_sse_http_status_error (post->msg, ": a redirect of a POST, not followed");
  else
    error = mcp_sse_http_status_error (post->msg, "");

  post_complete (post, error, TRUE);
}

static void
on_post_challenged (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Post *post = user_data;
  GError *error = NULL;

  if (mcp_sse_http_core_challenge_finish (post->core, result, &error) &&
      !g_cancellable_is_cancelled (post->cancellable))
    {
      post->retried = TRUE;
      post->error_body_length = 0;
      post_run (post);
    }
  else if (g_cancellable_is_cancelled (post->cancellable))
    post_fail (post, error);
  else if (error != NULL)
    post_complete (post, error, TRUE);
  else
    post_fail_status (post);
}

/* The failed answer's body was read, as far as it is kept. */
static void
post_error_body_read (Post     *post,
                      gboolean  at_end)
{
  if (at_end)
    g_input_stream_close (post->stream, NULL, NULL);
  else
    mcp_sse_http_close_stream_now (post->stream);
  g_clear_object (&post->stream);

  if (!post->retried && mcp_sse_http_core_is_challenge (post->core, post->msg))
    {
      g_main_context_push_thread_default (mcp_sse_http_core_get_context (post->core));
      mcp_sse_http_core_challenge_async (post->core, post->msg, post->cancellable,
                                         on_post_challenged, post);
      g_main_context_pop_thread_default (mcp_sse_http_core_get_context (post->core));
    }
  else
    post_fail_status (post);
}

static void
on_post_error_body (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Post *post = user_data;
  GError *error = NULL;
  gssize n_read;

  n_read = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n_read < 0 && g_cancellable_is_cancelled (post->cancellable))
    {
      post_fail (post, error);
      return;
    }

  /* A broken body still fails the POST by its status. */
  g_clear_error (&error);
  if (n_read > 0)
    post->error_body_length += n_read;

  if (n_read <= 0 || post->error_body_length == MAX_ERROR_BODY)
    post_error_body_read (post, n_read == 0);
  else
    post_read_error_body (post);
}

static void
post_read_error_body (Post *post)
{
  if (post->error_body == NULL)
    post->error_body = g_malloc (MAX_ERROR_BODY);

  g_input_stream_read_async (post->stream, post->error_body + post->error_body_length,
                             MAX_ERROR_BODY - post->error_body_length, G_PRIORITY_DEFAULT,
                             post->cancellable, on_post_error_body, post);
}

static void
on_post_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Post *post = user_data;
  GError *error = NULL;

  post->stream = mcp_sse_http_core_send_finish (post->core, result, &error);

  if (post->stream == NULL || g_cancellable_is_cancelled (post->cancellable))
    post_fail (post, error);
  else if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (post->msg)))
    post_succeed (post);
  else
    post_read_error_body (post);
}

/* Sends the POST, the first time or again after a challenge. */
static void
post_run (Post *post)
{
  McpSseHttpCore *core = post->core;

  if (!post->running)
    queue_of (core)->n_running++;
  post->running = TRUE;

  g_clear_object (&post->msg);
  post->msg = mcp_sse_http_core_new_request (core, SOUP_METHOD_POST, post->uri);
  soup_message_set_request_body_from_bytes (post->msg, post->content_type, post->body);

  g_main_context_push_thread_default (mcp_sse_http_core_get_context (core));
  mcp_sse_http_core_send_async (core, post->msg, post->cancellable, on_post_sent, post);
  g_main_context_pop_thread_default (mcp_sse_http_core_get_context (core));
}

static Post *
post_new (McpSseHttpCore *core,
          GUri           *uri,
          const char     *content_type,
          GBytes         *body,
          GCancellable   *cancellable)
{
  Post *post = g_new0 (Post, 1);

  post->core = mcp_sse_http_core_ref (core);
  post->link.data = post;
  post->waiting_link.data = NULL;
  post->uri = g_uri_ref (uri);
  post->content_type = g_strdup (content_type);
  post->body = g_bytes_ref (body);
  post->cancellable = g_cancellable_new ();

  if (cancellable != NULL)
    {
      post->caller_cancellable = g_object_ref (cancellable);
      post->caller_cancelled_id = mcp_sse_http_chain_cancel (cancellable, post->cancellable);
    }

  return post;
}

/* POSTs @body to @uri. Every POST has its own deadline, the core's
 * timeout from now, time spent waiting for a connection included, and
 * fails alone; any 2xx answer is success, and a redirect is not
 * followed. A failed answer's status and body are in the result's error
 * details. */
void
mcp_sse_http_core_post_async (McpSseHttpCore      *core,
                              GUri                *uri,
                              const char          *content_type,
                              GBytes              *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  McpSsePostQueue *queue = queue_of (core);
  GMainContext *context = mcp_sse_http_core_get_context (core);
  double timeout = mcp_sse_http_core_get_timeout (core);
  Post *post;

  g_task_set_source_tag (task, mcp_sse_http_core_post_async);

  if (!queue_has_room (queue) && queue->waiting.length >= MAX_WAITING)
    {
      g_autofree char *shown = mcp_sse_redact_uri (uri);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "Cannot POST to %s: %u sends are already waiting for a connection",
                               shown, queue->waiting.length);
      return;
    }

  post = post_new (core, uri, content_type, body, cancellable);
  g_task_set_task_data (task, post, (GDestroyNotify) post_free);
  post->task = g_steal_pointer (&task);
  g_queue_push_tail_link (&queue->posts, &post->link);

  if (timeout > 0)
    {
      post->deadline = mcp_sse_deadline_new (context, "[mcp-sse] POST timeout",
                                             on_post_deadline, post);
      mcp_sse_deadline_arm (post->deadline, timeout);
    }

  if (queue_has_room (queue))
    {
      post_run (post);
      return;
    }

  post->waiting_link.data = post;
  g_queue_push_tail_link (&queue->waiting, &post->waiting_link);
  post->waiting_cancelled = mcp_sse_cancel_source_attach (context, post->cancellable,
                                                          on_waiting_cancelled, post);
}

/* Returns whether the server accepted the POST. */
gboolean
mcp_sse_http_core_post_finish (McpSseHttpCore  *core,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_http_core_post_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
