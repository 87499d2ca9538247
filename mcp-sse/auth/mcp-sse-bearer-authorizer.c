/* mcp-sse-bearer-authorizer.c: a fixed bearer token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-bearer-authorizer.h"

/**
 * McpSseBearerAuthorizer:
 *
 * An [iface@Authorizer] that sends `Authorization: Bearer <token>` with
 * every request to the server's origin, for servers that take a token
 * obtained out of band (an API key, a personal access token).
 *
 * ```c
 * g_autoptr(McpSseBearerAuthorizer) authorizer = mcp_sse_bearer_authorizer_new (token);
 *
 * mcp_sse_connection_manager_set_authorizer (manager, MCP_SSE_AUTHORIZER (authorizer));
 * ```
 *
 * A new token set with [method@BearerAuthorizer.set_token] applies from
 * the next request. When the server refuses the token (401 or 403) the
 * authorizer gives up: a fixed token will not get better by trying
 * again, and the operation fails with %MCP_SSE_ERROR_HTTP_STATUS.
 *
 * Unlike a subclass of [class@Soup.Auth], it works the same from every
 * language binding.
 *
 * Since: 1.2
 */

struct _McpSseBearerAuthorizer
{
  GObject parent_instance;

  char *token;
};

enum {
  PROP_0,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void mcp_sse_bearer_authorizer_authorizer_init (McpSseAuthorizerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McpSseBearerAuthorizer, mcp_sse_bearer_authorizer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_AUTHORIZER,
                                                      mcp_sse_bearer_authorizer_authorizer_init))

static void
mcp_sse_bearer_authorizer_authorize_async (McpSseAuthorizer    *authorizer,
                                           SoupMessage         *msg,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  McpSseBearerAuthorizer *self = MCP_SSE_BEARER_AUTHORIZER (authorizer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, mcp_sse_bearer_authorizer_authorize_async);

  if (self->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  g_task_return_boolean (task, TRUE);
}

static gboolean
mcp_sse_bearer_authorizer_authorize_finish (McpSseAuthorizer  *authorizer,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, authorizer), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_bearer_authorizer_authorize_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_bearer_authorizer_authorizer_init (McpSseAuthorizerInterface *iface)
{
  /* The default challenge, giving up, is what a fixed token can do. */
  iface->authorize_async = mcp_sse_bearer_authorizer_authorize_async;
  iface->authorize_finish = mcp_sse_bearer_authorizer_authorize_finish;
}

static void
mcp_sse_bearer_authorizer_finalize (GObject *object)
{
  McpSseBearerAuthorizer *self = MCP_SSE_BEARER_AUTHORIZER (object);

  g_free (self->token);

  G_OBJECT_CLASS (mcp_sse_bearer_authorizer_parent_class)->finalize (object);
}

static void
mcp_sse_bearer_authorizer_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  McpSseBearerAuthorizer *self = MCP_SSE_BEARER_AUTHORIZER (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_bearer_authorizer_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  McpSseBearerAuthorizer *self = MCP_SSE_BEARER_AUTHORIZER (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      mcp_sse_bearer_authorizer_set_token (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_bearer_authorizer_class_init (McpSseBearerAuthorizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mcp_sse_bearer_authorizer_finalize;
  object_class->get_property = mcp_sse_bearer_authorizer_get_property;
  object_class->set_property = mcp_sse_bearer_authorizer_set_property;

  /**
   * McpSseBearerAuthorizer:token:
   *
   * The token sent as `Authorization: Bearer <token>`; %NULL sends
   * nothing. It must not contain CR, LF or NUL. A change applies from
   * the next request.
   *
   * Since: 1.2
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mcp_sse_bearer_authorizer_init (McpSseBearerAuthorizer *self)
{
}

/**
 * mcp_sse_bearer_authorizer_new:
 * @token: (nullable): the bearer token
 *
 * Creates an authorizer that sends @token as `Authorization: Bearer <token>`.
 *
 * Returns: (transfer full): a new authorizer
 *
 * Since: 1.2
 */
McpSseBearerAuthorizer *
mcp_sse_bearer_authorizer_new (const char *token)
{
  g_return_val_if_fail (token == NULL || strpbrk (token, "\r\n") == NULL, NULL);

  return g_object_new (MCP_SSE_TYPE_BEARER_AUTHORIZER, "token", token, NULL);
}

/**
 * mcp_sse_bearer_authorizer_get_token:
 * @self: an authorizer
 *
 * Gets [property@BearerAuthorizer:token].
 *
 * Returns: (nullable): the token
 *
 * Since: 1.2
 */
const char *
mcp_sse_bearer_authorizer_get_token (McpSseBearerAuthorizer *self)
{
  g_return_val_if_fail (MCP_SSE_IS_BEARER_AUTHORIZER (self), NULL);

  return self->token;
}

/**
 * mcp_sse_bearer_authorizer_set_token:
 * @self: an authorizer
 * @token: (nullable): the bearer token, or %NULL to send none
 *
 * Sets [property@BearerAuthorizer:token].
 *
 * Since: 1.2
 */
void
mcp_sse_bearer_authorizer_set_token (McpSseBearerAuthorizer *self,
                                     const char             *token)
{
  g_return_if_fail (MCP_SSE_IS_BEARER_AUTHORIZER (self));
  g_return_if_fail (token == NULL || strpbrk (token, "\r\n") == NULL);

  if (g_strcmp0 (self->token, token) == 0)
    return;

  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}
