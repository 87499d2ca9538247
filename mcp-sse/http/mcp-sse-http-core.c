/* mcp-sse-http-core.c: what every request of a transport shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The core holds the session, the URL, the headers, the credentials,
 * the deadline and the protocol version of a transport, builds its
 * requests, and runs its POSTs: each with its deadline, cancellable by
 * the caller, and failed all at once when the transport gives up.
 *
 * Credentials: libsoup's authentication manager is off for every request
 * (it would re-send a refused POST without its body), and user info never
 * goes into a request URI. Each request gets, from the highest precedence
 * down: the authorizer's credentials, the SoupAuth's, an Authorization
 * header set by the application, the URL's user info as Basic.
 *
 * POSTs: at most max_in_flight run at once, fewer than the session's
 * connections per host so that the GET keeps one; the others wait in a
 * bounded FIFO of our own, on their own deadline (libsoup's queue costs
 * time quadratic in its length). A POST completes as soon as the headers
 * of its answer say it succeeded; the rest of the body is dropped with
 * its connection unless it had already arrived. A failed POST keeps up to
 * MCP_SSE_ERROR_DETAILS_MAX_BODY bytes of its answer for the details.
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-debug-private.h"
#include "mcp-sse-sources-private.h"
#include "mcp-sse-authorizer.h"
#include "mcp-sse-error.h"
#include "mcp-sse-error-details-private.h"
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
  McpSseAuthorizer *authorizer;
  char *url_authorization;          /* "Basic ..." from the URL's user info */
  GHashTable *secret_headers;       /* lower-case names whose values are masked */
  double timeout;
  char *protocol_version;
  GQueue posts;                     /* Post, every POST not completed */
  GQueue waiting;                   /* Post, those not started yet, in order */
  guint n_running;
  guint max_running;
};

static void
mcp_sse_http_core_free (McpSseHttpCore *core)
{
  g_assert (g_queue_is_empty (&core->posts));
  g_assert (g_queue_is_empty (&core->waiting));

  g_clear_object (&core->session);
  g_clear_object (&core->auth);
  g_clear_object (&core->authorizer);
  g_clear_pointer (&core->secret_headers, g_hash_table_unref);
  g_free (core->url_authorization);
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
  core->secret_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  core->max_running = 1;

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

/* @uri without its user info, or a new reference to @uri when it has none. */
static GUri *
uri_without_user_info (GUri *uri)
{
  if (g_uri_get_userinfo (uri) == NULL)
    return g_uri_ref (uri);

  return g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri), NULL,
                      g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri),
                      g_uri_get_query (uri), g_uri_get_fragment (uri));
}

/* Once, at construction. The user info of @url becomes Basic credentials
 * and leaves the URI that requests are made from. */
void
mcp_sse_http_core_set_url (McpSseHttpCore *core,
                           const char     *url)
{
  g_autoptr(GUri) uri = NULL;

  g_assert (core->url == NULL);

  core->url = g_strdup (url);
  if (url == NULL)
    return;

  uri = mcp_sse_http_parse_url (url);
  core->display_url = uri != NULL ? mcp_sse_redact_uri (uri) : mcp_sse_redact_url (url);
  if (uri == NULL)
    return;

  if (g_uri_get_user (uri) != NULL)
    {
      g_autofree char *pair = g_strconcat (g_uri_get_user (uri), ":",
                                           g_uri_get_password (uri) != NULL ?
                                             g_uri_get_password (uri) : "",
                                           NULL);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

      core->url_authorization = g_strconcat ("Basic ", encoded, NULL);
      explicit_bzero (pair, strlen (pair));
    }

  core->uri = uri_without_user_info (uri);
}

const char *
mcp_sse_http_core_get_url (McpSseHttpCore *core)
{
  return core->url;
}

/* The URL parsed, without user info, or NULL when it is not an absolute
 * http(s) URL. */
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

/* @user_data is the core's set of secret header names; the logger keeps
 * a reference of its own, as the session may outlive the core. */
static void
print_http_log (SoupLogger         *logger,
                SoupLoggerLogLevel  level,
                char                direction,
                const char         *data,
                gpointer            user_data)
{
  g_autofree char *line = mcp_sse_redact_header_line_with (data, user_data);

  mcp_sse_debug_print (MCP_SSE_DEBUG_HTTP, "%c %s", direction, line);
}

static void
add_http_logger (SoupSession *session,
                 GHashTable  *secret_headers)
{
  g_autoptr(SoupLogger) logger = soup_logger_new (SOUP_LOGGER_LOG_HEADERS);

  soup_logger_set_printer (logger, print_http_log, g_hash_table_ref (secret_headers),
                           (GDestroyNotify) g_hash_table_unref);
  soup_session_add_feature (session, SOUP_SESSION_FEATURE (logger));
}

/* The GET of an event stream holds a connection for as long as it is
 * open, so an own session allows many per host, and leaves silences to
 * the transport's read timeout. */
static SoupSession *
new_own_session (GHashTable *secret_headers)
{
  SoupSession *session = soup_session_new_with_options ("max-conns", 64,
                                                        "max-conns-per-host", 32,
                                                        "timeout", 0,
                                                        "user-agent", "mcp-sse/" PACKAGE_VERSION,
                                                        NULL);

  if (MCP_SSE_DEBUG_ENABLED (HTTP))
    add_http_logger (session, secret_headers);

  return session;
}

/* Once, at construction: @session, or NULL for one of the core's own. */
void
mcp_sse_http_core_set_session (McpSseHttpCore *core,
                               SoupSession    *session)
{
  int max_conns = 0;
  int max_conns_per_host = 0;

  g_assert (core->session == NULL);

  core->session = session != NULL ? g_object_ref (session) : new_own_session (core->secret_headers);

  /* Both are construct-only in libsoup 3. One connection stays for the
   * GET of the event stream. */
  g_object_get (core->session,
                "max-conns", &max_conns,
                "max-conns-per-host", &max_conns_per_host,
                NULL);
  core->max_running = MAX (MIN (max_conns, max_conns_per_host) - 1, 1);
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

/* Sets @name like mcp_sse_http_core_set_header(), and masks its value in
 * the debug output from now on. */
void
mcp_sse_http_core_set_secret_header (McpSseHttpCore *core,
                                     const char     *name,
                                     const char     *value)
{
  g_hash_table_add (core->secret_headers, g_ascii_strdown (name, -1));
  mcp_sse_http_core_set_header (core, name, value);
}

gboolean
mcp_sse_http_core_set_authorizer (McpSseHttpCore   *core,
                                  McpSseAuthorizer *authorizer)
{
  return g_set_object (&core->authorizer, authorizer);
}

McpSseAuthorizer *
mcp_sse_http_core_get_authorizer (McpSseHttpCore *core)
{
  return core->authorizer;
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
 * the protocol version; the authorizer's credentials come later, from
 * mcp_sse_http_core_send_async(). Redirects and authentication are left
 * to the caller: libsoup never re-sends the request. */
SoupMessage *
mcp_sse_http_core_new_request (McpSseHttpCore *core,
                               const char     *method,
                               GUri           *uri)
{
  g_autoptr(GUri) request_uri = uri_without_user_info (uri);
  SoupMessage *msg = soup_message_new_from_uri (method, request_uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_disable_feature (msg, SOUP_TYPE_AUTH_MANAGER);
  soup_message_headers_foreach (core->headers, copy_header, headers);

  if (core->url_authorization != NULL &&
      soup_message_headers_get_one (headers, "Authorization") == NULL)
    soup_message_headers_replace (headers, "Authorization", core->url_authorization);

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

/* Sending: the authorizer, then libsoup */

/* Whether @status is one that an authorizer may want to judge. */
gboolean
mcp_sse_http_core_is_challenge (McpSseHttpCore *core,
                                SoupMessage    *msg)
{
  guint status = soup_message_get_status (msg);

  return core->authorizer != NULL &&
         (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN);
}

typedef struct
{
  McpSseAuthorizer *authorizer;
  SoupMessage *msg;
} Send;

static void
send_free (Send *send)
{
  g_object_unref (send->authorizer);
  g_object_unref (send->msg);
  g_free (send);
}

static void
on_send_sent (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GInputStream *stream;
  GError *error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stream, g_object_unref);
}

static void
on_send_authorized (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Send *send = g_task_get_task_data (task);
  GError *error = NULL;

  if (!mcp_sse_authorizer_authorize_finish (send->authorizer, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  soup_session_send_async (g_task_get_source_object (task), send->msg, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), on_send_sent, g_object_ref (task));
}

/* Sends @msg, made by mcp_sse_http_core_new_request(), once the authorizer
 * (if any) gave it its credentials. Call it with the core's context as
 * the thread-default one. Without an authorizer this is
 * soup_session_send_async() itself, so the POST path pays nothing. */
void
mcp_sse_http_core_send_async (McpSseHttpCore      *core,
                              SoupMessage         *msg,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Send *send;

  if (core->authorizer == NULL)
    {
      soup_session_send_async (core->session, msg, G_PRIORITY_DEFAULT, cancellable,
                               callback, user_data);
      return;
    }

  task = g_task_new (core->session, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_http_core_send_async);
  send = g_new0 (Send, 1);
  send->authorizer = g_object_ref (core->authorizer);
  send->msg = g_object_ref (msg);
  g_task_set_task_data (task, send, (GDestroyNotify) send_free);
  mcp_sse_authorizer_authorize_async (send->authorizer, msg, cancellable, on_send_authorized,
                                      g_steal_pointer (&task));
}

/* The answer's body stream, or NULL with @error set. */
GInputStream *
mcp_sse_http_core_send_finish (McpSseHttpCore  *core,
                               GAsyncResult    *result,
                               GError         **error)
{
  if (G_IS_TASK (result) && g_task_get_source_tag (G_TASK (result)) == mcp_sse_http_core_send_async)
    return g_task_propagate_pointer (G_TASK (result), error);

  return soup_session_send_finish (core->session, result, error);
}

static void
on_challenged (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean retry;

  retry = mcp_sse_authorizer_challenge_finish (g_task_get_task_data (task), result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, retry);
}

/* Asks the authorizer whether the request that @msg answered 401 or 403
 * should be made once more. Call it with the core's context as the
 * thread-default one. */
void
mcp_sse_http_core_challenge_async (McpSseHttpCore      *core,
                                   SoupMessage         *msg,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_assert (core->authorizer != NULL);

  g_task_set_source_tag (task, mcp_sse_http_core_challenge_async);
  g_task_set_task_data (task, g_object_ref (core->authorizer), g_object_unref);
  mcp_sse_authorizer_challenge_async (core->authorizer, msg, cancellable, on_challenged,
                                      g_steal_pointer (&task));
}

/* TRUE: retry. FALSE without @error: give up, an HTTP_STATUS error is the
 * caller's to make. FALSE with @error: fail with it. */
gboolean
mcp_sse_http_core_challenge_finish (McpSseHttpCore  *core,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_http_core_challenge_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* POSTs */

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
  GList link;                       /* in core->posts */
  GList waiting_link;               /* in core->waiting */
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

  for (l = core->posts.head; l != NULL; l = l->next)
    post_abort (l->data, error);
}

/* Starts the waiting POSTs that the running ones leave room for. */
static void
core_run_waiting (McpSseHttpCore *core)
{
  while (core->n_running < core->max_running && !g_queue_is_empty (&core->waiting))
    {
      Post *post = g_queue_peek_head (&core->waiting);

      g_queue_unlink (&core->waiting, &post->waiting_link);
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

  g_queue_unlink (&core->posts, &post->link);
  if (post->waiting_link.data != NULL)
    g_queue_unlink (&core->waiting, &post->waiting_link);
  post->waiting_link.data = NULL;
  if (post->running)
    core->n_running--;
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
                       "POST %s got no answer within %g s", uri, post->core->timeout);
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
      g_main_context_push_thread_default (post->core->context);
      mcp_sse_http_core_challenge_async (post->core, post->msg, post->cancellable,
                                         on_post_challenged, post);
      g_main_context_pop_thread_default (post->core->context);
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
    core->n_running++;
  post->running = TRUE;

  g_clear_object (&post->msg);
  post->msg = mcp_sse_http_core_new_request (core, SOUP_METHOD_POST, post->uri);
  soup_message_set_request_body_from_bytes (post->msg, post->content_type, post->body);

  g_main_context_push_thread_default (core->context);
  mcp_sse_http_core_send_async (core, post->msg, post->cancellable, on_post_sent, post);
  g_main_context_pop_thread_default (core->context);
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
  Post *post;

  g_task_set_source_tag (task, mcp_sse_http_core_post_async);

  if (core->n_running >= core->max_running && core->waiting.length >= MAX_WAITING)
    {
      g_autofree char *shown = mcp_sse_redact_uri (uri);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "Cannot POST to %s: %u sends are already waiting for a connection",
                               shown, core->waiting.length);
      return;
    }

  post = post_new (core, uri, content_type, body, cancellable);
  g_task_set_task_data (task, post, (GDestroyNotify) post_free);
  post->task = g_steal_pointer (&task);
  g_queue_push_tail_link (&core->posts, &post->link);

  if (core->timeout > 0)
    {
      post->deadline = mcp_sse_deadline_new (core->context, "[mcp-sse] POST timeout",
                                             on_post_deadline, post);
      mcp_sse_deadline_arm (post->deadline, core->timeout);
    }

  if (core->n_running < core->max_running)
    {
      post_run (post);
      return;
    }

  post->waiting_link.data = post;
  g_queue_push_tail_link (&core->waiting, &post->waiting_link);
  post->waiting_cancelled = mcp_sse_cancel_source_attach (core->context, post->cancellable,
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
