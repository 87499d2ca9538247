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

static gboolean
is_secret_query_param (const char *name,
                       gsize       length)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (secret_query_params); i++)
    if (strlen (secret_query_params[i]) == length &&
        g_ascii_strncasecmp (name, secret_query_params[i], length) == 0)
      return TRUE;

  return FALSE;
}

/* Masks the values of secret query parameters wherever they stand in
 * @text: a query, or a line with a URL in it. A parameter starts at the
 * beginning or after '?', '&' or ';'; its value ends at one of those, at
 * '#' or at a space. */
static char *
redact_query_params (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;

  while (*p != '\0')
    {
      gsize name_length = strcspn (p, "=?&;# ");
      gboolean at_param = p == text || strchr ("?&;", p[-1]) != NULL;

      if (at_param && p[name_length] == '=' && is_secret_query_param (p, name_length))
        {
          g_string_append_len (out, p, name_length + 1);
          g_string_append (out, MCP_SSE_REDACTED);
          p += name_length + 1;
          p += strcspn (p, "&;# ");
        }
      else
        {
          gsize run = MAX (name_length, 1);

          g_string_append_len (out, p, run);
          p += run;
        }
    }

  return g_string_free (out, FALSE);
}

/* @line is a line of the HTTP log as SoupLogger prints it: a request or
 * status line, or a header, "Name: value". */
char *
mcp_sse_redact_header_line (const char *line)
{
  return mcp_sse_redact_header_line_with (line, NULL);
}

/* Like mcp_sse_redact_header_line(), with the values of the headers
 * named in @secret_names (lower-case; nullable) masked too. */
char *
mcp_sse_redact_header_line_with (const char *line,
                                 GHashTable *secret_names)
{
  gsize name_length = strcspn (line, ": ");

  if (line[name_length] == ':' && name_length > 0)
    {
      g_autofree char *name = g_strndup (line, name_length);
      g_autofree char *lower = NULL;

      if (mcp_sse_redact_is_secret_header (name))
        return g_strdup_printf ("%s: " MCP_SSE_REDACTED, name);

      if (secret_names != NULL && g_hash_table_size (secret_names) > 0)
        {
          lower = g_ascii_strdown (name, -1);
          if (g_hash_table_contains (secret_names, lower))
            return g_strdup_printf ("%s: " MCP_SSE_REDACTED, name);
        }
    }

  return redact_query_params (line);
}

/* @uri as a string without its password and with session ids masked. */
char *
mcp_sse_redact_uri (GUri *uri)
{
  g_autofree char *text = g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);

  if (g_uri_get_query (uri) == NULL)
    return g_steal_pointer (&text);

  return redact_query_params (text);
}

/* Like mcp_sse_redact_uri(), for a URL that may not even parse: then
 * whatever stands between "://" and an "@" is masked too. */
char *
mcp_sse_redact_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *rest = NULL;
  const char *authority;
  const char *at;

  if (uri != NULL)
    return mcp_sse_redact_uri (uri);

  authority = strstr (url, "://");
  if (authority == NULL)
    return redact_query_params (url);
  authority += 3;
  at = strchr (authority, '@');
  if (at == NULL || at > authority + strcspn (authority, "/?#"))
    return redact_query_params (url);

  rest = redact_query_params (at);
  return g_strdup_printf ("%.*s" MCP_SSE_REDACTED "%s", (int) (authority - url), url, rest);
}
