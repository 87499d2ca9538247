/* mcp-sse-authorizer.h: credentials for the requests of an HTTP transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

#define MCP_SSE_TYPE_AUTHORIZER (mcp_sse_authorizer_get_type ())

MCP_SSE_AVAILABLE_IN_1_2
G_DECLARE_INTERFACE (McpSseAuthorizer, mcp_sse_authorizer, MCP_SSE, AUTHORIZER, GObject)

/**
 * McpSseAuthorizerInterface:
 * @authorize_async: the virtual function of [method@Authorizer.authorize_async];
 *   the default adds nothing
 * @authorize_finish: the virtual function of [method@Authorizer.authorize_finish]
 * @challenge_async: the virtual function of [method@Authorizer.challenge_async];
 *   the default gives up
 * @challenge_finish: the virtual function of [method@Authorizer.challenge_finish]
 *
 * The virtual functions of [iface@Authorizer].
 *
 * Since: 1.2
 */
struct _McpSseAuthorizerInterface
{
  /*< private >*/
  GTypeInterface parent_iface;

  /*< public >*/
  void     (*authorize_async)  (McpSseAuthorizer     *self,
                                SoupMessage          *msg,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
  gboolean (*authorize_finish) (McpSseAuthorizer     *self,
                                GAsyncResult         *result,
                                GError              **error);
  void     (*challenge_async)  (McpSseAuthorizer     *self,
                                SoupMessage          *msg,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
  gboolean (*challenge_finish) (McpSseAuthorizer     *self,
                                GAsyncResult         *result,
                                GError              **error);

  /*< private >*/
  gpointer padding[12];
};

MCP_SSE_AVAILABLE_IN_1_2
void     mcp_sse_authorizer_authorize_async  (McpSseAuthorizer     *self,
                                              SoupMessage          *msg,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_2
gboolean mcp_sse_authorizer_authorize_finish (McpSseAuthorizer     *self,
                                              GAsyncResult         *result,
                                              GError              **error);
MCP_SSE_AVAILABLE_IN_1_2
void     mcp_sse_authorizer_challenge_async  (McpSseAuthorizer     *self,
                                              SoupMessage          *msg,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_2
gboolean mcp_sse_authorizer_challenge_finish (McpSseAuthorizer     *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
