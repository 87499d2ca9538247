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
 * Its POSTs run through the POST queue of mcp-sse-http-post.c.
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-debug-private.h"
#include "mcp-sse-authorizer.h"
#include "mcp-sse-http-core-private.h"
#include "mcp-sse-http-policy-private.h"
#include "mcp-sse-http-post-private.h"
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
  McpSsePostQueue *posts;
};

static void
mcp_sse_http_core_free (McpSseHttpCore *core)
{
  mcp_sse_post_queue_free (core->posts);

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
  core->posts = mcp_sse_post_queue_new ();

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
  mcp_sse_post_queue_set_max_running (core->posts, MAX (MIN (max_conns, max_conns_per_host) - 1, 1));
}

McpSsePostQueue *
mcp_sse_http_core_get_post_queue (McpSseHttpCore *core)
{
  return core->posts;
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
