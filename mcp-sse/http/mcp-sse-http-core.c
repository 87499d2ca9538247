/* mcp-sse-http-core.c: what every request of a transport shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The core holds the session, the URL, the headers, the credentials,
 * the deadline and the protocol version of a transport, builds its
 * requests, and runs its POSTs: each with its deadline, cancellable by
 * the caller, and failed all at once when the transport gives up.
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-debug-private.h"
#include "mcp-sse-sources-private.h"
#include "mcp-sse-error.h"
#include "mcp-sse-http-core-private.h"
#include "mcp-sse-http-policy-private.h"
#include "mcp-sse-redact-private.h"

struct _McpSseHttpCore
{
  GMainContext *context;
  char *url;
  GUri *uri;                        /* NULL when url is not an http(s) URL */
  char *display_url;                /* url redacted, for messages */
  SoupSession *session;
  SoupMessageHeaders *headers;
  SoupAuth *auth;
  double timeout;
  char *protocol_version;
  GQueue posts;                     /* Post, the POSTs in flight */
};

/* One POST in flight; the data of its GTask. */
typedef struct
{
  McpSseHttpCore *core;
  SoupMessage *msg;
  GCancellable *cancellable;        /* ours: cancelled by every reason to give up */
  GCancellable *caller_cancellable;
  gulong caller_cancelled_id;
  GSource *deadline;
  GError *abort_error;              /* why we gave up, NULL for a plain stop */
  GList link;
} Post;

static void
mcp_sse_http_core_free (McpSseHttpCore *core)
{
  g_assert (g_queue_is_empty (&core->posts));

  g_clear_object (&core->session);
  g_clear_object (&core->auth);
  g_clear_pointer (&core->headers, soup_message_headers_unref);
  g_clear_pointer (&core->uri, g_uri_unref);
  g_clear_pointer (&core->context, g_main_context_unref);
  g_free (core->url);
  g_free (core->display_url);
  g_free (core->protocol_version);
}

/* A core for the thread-default main context, without URL or session. */
McpSseHttpCore *
mcp_sse_http_core_new (void)
{
  McpSseHttpCore *core = g_atomic_rc_box_new0 (McpSseHttpCore);

  core->context = g_main_context_ref_thread_default ();
  core->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);

  return core;
}

McpSseHttpCore *
mcp_sse_http_core_ref (McpSseHttpCore *core)
{
  return g_atomic_rc_box_acquire (core);
}

void
mcp_sse_http_core_unref (McpSseHttpCore *core)
{
  g_atomic_rc_box_release_full (core, (GDestroyNotify) mcp_sse_http_core_free);
}

/* Settings */

/* Once, at construction. */
void
mcp_sse_http_core_set_url (McpSseHttpCore *core,
                           const char     *url)
{
  g_assert (core->url == NULL);

  core->url = g_strdup (url);
  if (url == NULL)
    return;

  core->uri = mcp_sse_http_parse_url (url);
  core->display_url = core->uri != NULL ? mcp_sse_redact_uri (core->uri)
                                        : mcp_sse_redact_url (url);
}

const char *
mcp_sse_http_core_get_url (McpSseHttpCore *core)
{
  return core->url;
}

/* The URL parsed, or NULL when it is not an absolute http(s) URL. */
GUri *
mcp_sse_http_core_get_uri (McpSseHttpCore *core)
{
  return core->uri;
}

/* The URL without its secrets, for messages and debug output. */
const char *
mcp_sse_http_core_get_display_url (McpSseHttpCore *core)
{
  return core->display_url;
}

static void
print_http_log (SoupLogger         *logger,
                SoupLoggerLogLevel  level,
                char                direction,
                const char         *data,
                gpointer            user_data)
{
  g_autofree char *line = mcp_sse_redact_header_line (data);

  mcp_sse_debug_print (MCP_SSE_DEBUG_HTTP, "%c %s", direction, line);
}

static void
add_http_logger (SoupSession *session)
{
  g_autoptr(SoupLogger) logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);

  soup_logger_set_printer (logger, print_http_log, NULL, NULL);
  soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));
}

/* The GET of an event stream holds a connection for as long as it is
 * open, so an own session allows many per host, and leaves silences to
 * the transport's read timeout. */
static SoupSession *
new_own_session (void)
{
  SoupSession *session = soup_session_new_with_options ("max-conns", 64,
                                                        "max-conns-per-host", 32,
                                                        "timeout", 0,
                                                        "user-agent", "mcp-sse/" PACKAGE_VERSION,
                                                        NULL);

  if (MCP_SSE_DEBUG_ENABLED (HTTP))
    add_http_logger (session);

  return session;
}

/* Once, at construction: @session, or NULL for one of the core's own. */
void
mcp_sse_http_core_set_session (McpSseHttpCore *core,
                               SoupSession    *session)
{
  g_assert (core->session == NULL);

  core->session = session != NULL ? g_object_ref (session) : new_own_session ();
}

SoupSession *
mcp_sse_http_core_get_session (McpSseHttpCore *core)
{
  return core->session;
}

GMainContext *
mcp_sse_http_core_get_context (McpSseHttpCore *core)
{
  return core->context;
}

/* Sets @name for every later request; a NULL @value removes it. */
void
mcp_sse_http_core_set_header (McpSseHttpCore *core,
                              const char     *name,
                              const char     *value)
{
  if (value != NULL)
    soup_message_headers_replace (core->headers, name, value);
  else
    soup_message_headers_remove (core->headers, name);
}

/* The setters return whether the value changed. */
gboolean
mcp_sse_http_core_set_auth (McpSseHttpCore *core,
                            SoupAuth       *auth)
{
  return g_set_object (&core->auth, auth);
}

SoupAuth *
mcp_sse_http_core_get_auth (McpSseHttpCore *core)
{
  return core->auth;
}

gboolean
mcp_sse_http_core_set_timeout (McpSseHttpCore *core,
                               double          timeout)
{
  if (core->timeout == timeout)
    return FALSE;

  core->timeout = timeout;
  return TRUE;
}

/* The deadline of connecting and of every POST, in seconds; 0 for none. */
double
mcp_sse_http_core_get_timeout (McpSseHttpCore *core)
{
  return core->timeout;
}

gboolean
mcp_sse_http_core_set_protocol_version (McpSseHttpCore *core,
                                        const char     *protocol_version)
{
  if (g_strcmp0 (core->protocol_version, protocol_version) == 0)
    return FALSE;

  g_free (core->protocol_version);
  core->protocol_version = g_strdup (protocol_version);
  return TRUE;
}

const char *
mcp_sse_http_core_get_protocol_version (McpSseHttpCore *core)
{
  return core->protocol_version;
}

/* Requests */

static void
copy_header (const char *name,
             const char *value,
             gpointer    user_data)
{
  soup_message_headers_replace (user_data, name, value);
}

/* A request with the headers and credentials of the core, and, on a POST,
 * the protocol version. Redirects are left to the caller. */
SoupMessage *
mcp_sse_http_core_new_request (McpSseHttpCore *core,
                               const char     *method,
                               GUri           *uri)
{
  SoupMessage *msg = soup_message_new_from_uri (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_foreach (core->headers, copy_header, headers);

  if (core->auth != NULL)
    {
      g_autofree char *authorization = soup_auth_get_authorization (core->auth, msg);

      if (authorization != NULL)
        soup_message_headers_replace (headers, "Authorization", authorization);
    }

  if (core->protocol_version != NULL && strcmp (method, SOUP_METHOD_POST) == 0)
    soup_message_headers_replace (headers, "MCP-Protocol-Version", core->protocol_version);

  return msg;
}

/* Passes a caller's cancellation on to our own cancellable. It may run in
 * any thread, so it only cancels: the callbacks do the rest. */
static void
cancel_chained (GCancellable *cancellable,
                gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

/* Cancels @to when @from is cancelled; returns the id that disconnects
 * it from @from. */
gulong
mcp_sse_http_chain_cancel (GCancellable *from,
                           GCancellable *to)
{
  return g_cancellable_connect (from, G_CALLBACK (cancel_chained),
                                g_object_ref (to), g_object_unref);
}

/* POSTs */

static void
post_free (Post *post)
{
  g_assert (post->deadline == NULL);
  g_clear_object (&post->msg);
  g_clear_object (&post->cancellable);
  g_clear_object (&post->caller_cancellable);
  g_clear_error (&post->abort_error);
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

/* Gives up every POST in flight: each fails with @error, or with
 * G_IO_ERROR_CANCELLED when @error is NULL. */
void
mcp_sse_http_core_fail_posts (McpSseHttpCore *core,
                              const GError   *error)
{
  GList *l;

  for (l = core->posts.head; l != NULL; l = l->next)
    post_abort (l->data, error);
}

static gboolean
on_post_deadline (gpointer user_data)
{
  Post *post = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = mcp_sse_redact_uri (soup_message_get_uri (post->msg));

  error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                       "POST %s got no answer within %g s", uri, post->core->timeout);
  post_abort (post, error);
  return G_SOURCE_CONTINUE;
}

static void
on_post_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Post *post = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_queue_unlink (&post->core->posts, &post->link);
  mcp_sse_source_clear (&post->deadline);
  if (post->caller_cancelled_id != 0)
    g_cancellable_disconnect (post->caller_cancellable, post->caller_cancelled_id);
  post->caller_cancelled_id = 0;

  status = soup_message_get_status (post->msg);
  if (post->abort_error != NULL)
    g_task_return_error (task, g_steal_pointer (&post->abort_error));
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (SOUP_STATUS_IS_REDIRECTION (status))
    g_task_return_error (task, mcp_sse_http_status_error (post->msg, ": a redirect of a POST, not followed"));
  else if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    g_task_return_error (task, mcp_sse_http_status_error (post->msg, ""));
  else
    g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
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
  post->cancellable = g_cancellable_new ();
  post->msg = mcp_sse_http_core_new_request (core, SOUP_METHOD_POST, uri);
  soup_message_set_request_body_from_bytes (post->msg, content_type, body);

  if (cancellable != NULL)
    {
      post->caller_cancellable = g_object_ref (cancellable);
      post->caller_cancelled_id = mcp_sse_http_chain_cancel (cancellable, post->cancellable);
    }

  return post;
}

/* POSTs @body to @uri. Every POST in flight has its own deadline, the
 * core's timeout from now, and fails alone; any 2xx answer is success,
 * and a redirect is not followed. */
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
  Post *post = post_new (core, uri, content_type, body, cancellable);

  g_task_set_source_tag (task, mcp_sse_http_core_post_async);
  g_task_set_task_data (task, post, (GDestroyNotify) post_free);
  g_queue_push_tail_link (&core->posts, &post->link);

  if (core->timeout > 0)
    {
      post->deadline = mcp_sse_deadline_new (core->context, "[mcp-sse] POST timeout",
                                             on_post_deadline, post);
      mcp_sse_deadline_arm (post->deadline, core->timeout);
    }

  g_main_context_push_thread_default (core->context);
  soup_session_send_and_read_async (core->session, post->msg, G_PRIORITY_DEFAULT,
                                    post->cancellable, on_post_sent, g_steal_pointer (&task));
  g_main_context_pop_thread_default (core->context);
}

/* Returns the body of the answer, or NULL with @error set. */
GBytes *
mcp_sse_http_core_post_finish (McpSseHttpCore  *core,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_http_core_post_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
