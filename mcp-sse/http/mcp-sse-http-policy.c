/* mcp-sse-http-policy.c: the rules every HTTP exchange follows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which URLs are accepted, what counts as the same origin, which
 * redirects are followed, and how an answer becomes a GError.
 */

#include "config.h"

#include "mcp-sse-error.h"
#include "mcp-sse-http-policy-private.h"
#include "mcp-sse-redact-private.h"

#define MAX_REDIRECTS 5

/* Whether @uri names a server to connect to: a host that is not empty,
 * and a port that is not 0 (GLib refuses one above 65535). A URI without
 * an authority ("http:/x") has no host; "http:///x" has an empty one. */
gboolean
mcp_sse_http_uri_has_server (GUri *uri)
{
  const char *host = g_uri_get_host (uri);

  return host != NULL && *host != '\0' && g_uri_get_port (uri) != 0;
}

/* @url if it is an absolute http or https URL with a server, else NULL. */
GUri *
mcp_sse_http_parse_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, MCP_SSE_HTTP_URI_FLAGS, NULL);
  const char *scheme;

  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return NULL;
  if (!mcp_sse_http_uri_has_server (uri))
    return NULL;

  return g_steal_pointer (&uri);
}

static gboolean
hosts_equal (const char *a,
             const char *b)
{
  g_autoptr(GInetAddress) address_a = g_inet_address_new_from_string (a);
  g_autoptr(GInetAddress) address_b = g_inet_address_new_from_string (b);

  if (address_a != NULL && address_b != NULL)
    return g_inet_address_equal (address_a, address_b);

  return g_ascii_strcasecmp (a, b) == 0;
}

/* Scheme, host and port, with default ports normalized away by
 * G_URI_FLAGS_SCHEME_NORMALIZE. No name is resolved. A URI without a
 * server is on no origin, not even its own. */
gboolean
mcp_sse_http_same_origin (GUri *a,
                          GUri *b)
{
  return mcp_sse_http_uri_has_server (a) && mcp_sse_http_uri_has_server (b) &&
         g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         hosts_equal (g_uri_get_host (a), g_uri_get_host (b)) &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

/* Where the 3xx answer to @msg, sent to @base, leads: a target on the
 * origin of @origin while @redirects (this one included) stay within
 * the limit; otherwise NULL and an MCP_SSE_ERROR_HTTP_STATUS. */
GUri *
mcp_sse_http_redirect_target (SoupMessage  *msg,
                              GUri         *base,
                              GUri         *origin,
                              guint         redirects,
                              GError      **error)
{
  const char *location;
  g_autoptr(GUri) target = NULL;

  location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
  if (location != NULL)
    target = g_uri_parse_relative (base, location, MCP_SSE_HTTP_URI_FLAGS, NULL);

  if (target == NULL)
    g_propagate_error (error, mcp_sse_http_status_error (msg, ": a redirect without a valid Location"));
  else if (!mcp_sse_http_uri_has_server (target))
    g_propagate_error (error, mcp_sse_http_status_error (msg, ": a redirect to a URL without a host or with port 0, not followed"));
  else if (!mcp_sse_http_same_origin (origin, target))
    g_propagate_error (error, mcp_sse_http_status_error (msg, ": a redirect to another origin, not followed"));
  else if (redirects > MAX_REDIRECTS)
    g_propagate_error (error, mcp_sse_http_status_error (msg, ": too many redirects"));
  else
    return g_steal_pointer (&target);

  return NULL;
}

/* An MCP_SSE_ERROR_HTTP_STATUS naming the request and its answer, with
 * @what appended. */
GError *
mcp_sse_http_status_error (SoupMessage *msg,
                           const char  *what)
{
  g_autofree char *uri = mcp_sse_redact_uri (soup_message_get_uri (msg));
  const char *reason = soup_message_get_reason_phrase (msg);

  return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS,
                      "%s %s answered HTTP %u %s%s",
                      soup_message_get_method (msg), uri,
                      soup_message_get_status (msg),
                      reason != NULL ? reason : "",
                      what);
}

/* Whether the answer's media type is @type, parameters aside. */
gboolean
mcp_sse_http_has_content_type (SoupMessage *msg,
                               const char  *type)
{
  const char *content_type;

  content_type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg),
                                                        NULL);
  return content_type != NULL && g_ascii_strcasecmp (content_type, type) == 0;
}

/* The answer's Content-Type as sent, for messages. */
const char *
mcp_sse_http_get_content_type (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Content-Type");

  return value != NULL ? value : "no content type";
}

/* Closes a response body without reading the rest of it: with a cancelled
 * cancellable libsoup drops the HTTP connection at once instead of
 * waiting for the end of an endless stream. */
void
mcp_sse_http_close_stream_now (GInputStream *stream)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);
  g_input_stream_close (stream, cancelled, NULL);
}
