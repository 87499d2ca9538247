/* mcp-sse-redact.c: keeping secrets out of logs and error messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every debug line and every GError message that shows a header or a URL
 * goes through here: header values that carry credentials or sessions,
 * URL passwords and session ids in query strings are replaced by
 * MCP_SSE_REDACTED. WWW-Authenticate stays visible: it names what a
 * server wants, not what a client has.
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-redact-private.h"

static const char * const secret_headers[] = {
  "Authorization",
  "Proxy-Authorization",
  "Cookie",
  "Set-Cookie",
  "Mcp-Session-Id",
  "X-Api-Key",
};

static const char * const secret_query_params[] = {
  "sessionId",
  "session_id",
};

gboolean
mcp_sse_redact_is_secret_header (const char *name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (secret_headers); i++)
    if (g_ascii_strcasecmp (name, secret_headers[i]) == 0)
      return TRUE;

  return FALSE;
}

/* @line is "Name: value", as SoupLogger prints it. */
char *
mcp_sse_redact_header_line (const char *line)
{
  const char *colon = strchr (line, ':');
  g_autofree char *name = NULL;

  if (colon == NULL)
    return g_strdup (line);

  name = g_strndup (line, colon - line);
  if (!mcp_sse_redact_is_secret_header (name))
    return g_strdup (line);

  return g_strdup_printf ("%s: " MCP_SSE_REDACTED, name);
}

static gboolean
is_secret_query_param (const char *param,
                       gsize       length)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (secret_query_params); i++)
    if (strlen (secret_query_params[i]) == length &&
        g_ascii_strncasecmp (param, secret_query_params[i], length) == 0)
      return TRUE;

  return FALSE;
}

/* The query with the values of secret parameters masked, as written
 * (still percent-encoded). */
static char *
redact_query (const char *query)
{
  GString *out = g_string_sized_new (strlen (query));
  const char *p = query;

  while (TRUE)
    {
      const char *end = p + strcspn (p, "&;");
      const char *equals = memchr (p, '=', end - p);

      if (equals != NULL && is_secret_query_param (p, equals - p))
        {
          g_string_append_len (out, p, equals + 1 - p);
          g_string_append (out, MCP_SSE_REDACTED);
        }
      else
        g_string_append_len (out, p, end - p);

      if (*end == '\0')
        break;
      g_string_append_c (out, *end);
      p = end + 1;
    }

  return g_string_free (out, FALSE);
}

/* @uri as a string without its password and with session ids masked. */
char *
mcp_sse_redact_uri (GUri *uri)
{
  const char *query = g_uri_get_query (uri);
  g_autoptr(GUri) shown = NULL;
  g_autofree char *masked = NULL;

  if (query == NULL)
    return g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);

  masked = redact_query (query);
  shown = g_uri_build_with_user (g_uri_get_flags (uri),
                                 g_uri_get_scheme (uri),
                                 g_uri_get_user (uri),
                                 g_uri_get_password (uri),
                                 g_uri_get_auth_params (uri),
                                 g_uri_get_host (uri),
                                 g_uri_get_port (uri),
                                 g_uri_get_path (uri),
                                 masked,
                                 g_uri_get_fragment (uri));

  return g_uri_to_string_partial (shown, G_URI_HIDE_PASSWORD);
}

/* @reference with the secret parameters of its query masked. */
static char *
redact_reference_query (const char *reference)
{
  const char *query = reference + strcspn (reference, "?#");
  g_autofree char *text = NULL;
  g_autofree char *masked = NULL;
  gsize length;

  if (*query != '?')
    return g_strdup (reference);

  query++;
  length = strcspn (query, "#");
  text = g_strndup (query, length);
  masked = redact_query (text);

  return g_strdup_printf ("%.*s%s%s", (int) (query - reference), reference, masked, query + length);
}

/* Like mcp_sse_redact_uri(), for a URL that may not even parse, or a
 * relative reference: then whatever stands between "://" and an "@" is
 * masked, and so are session ids in the query. */
char *
mcp_sse_redact_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *shown = NULL;
  const char *authority;
  const char *at;

  if (uri != NULL)
    return mcp_sse_redact_uri (uri);

  authority = strstr (url, "://");
  at = authority != NULL ? strchr (authority + 3, '@') : NULL;
  if (at == NULL || at > authority + 3 + strcspn (authority + 3, "/?#"))
    return redact_reference_query (url);

  shown = g_strdup_printf ("%.*s" MCP_SSE_REDACTED "%s", (int) (authority + 3 - url), url, at);
  return redact_reference_query (shown);
}
