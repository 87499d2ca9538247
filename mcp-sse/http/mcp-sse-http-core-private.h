/* mcp-sse-http-core-private.h: what every request of a transport shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "mcp-sse-authorizer.h"

#include "mcp-sse-http-post-private.h"

G_BEGIN_DECLS

typedef struct _McpSseHttpCore McpSseHttpCore;

McpSseHttpCore *mcp_sse_http_core_new                  (void);
McpSseHttpCore *mcp_sse_http_core_ref                  (McpSseHttpCore       *core);
void            mcp_sse_http_core_unref                (McpSseHttpCore       *core);

void            mcp_sse_http_core_set_url              (McpSseHttpCore       *core,
                                                        const char           *url);
const char     *mcp_sse_http_core_get_url              (McpSseHttpCore       *core);
GUri           *mcp_sse_http_core_get_uri              (McpSseHttpCore       *core);
const char     *mcp_sse_http_core_get_display_url      (McpSseHttpCore       *core);
void            mcp_sse_http_core_set_session          (McpSseHttpCore       *core,
                                                        SoupSession          *session);
SoupSession    *mcp_sse_http_core_get_session          (McpSseHttpCore       *core);
GMainContext   *mcp_sse_http_core_get_context          (McpSseHttpCore       *core);

void            mcp_sse_http_core_set_header           (McpSseHttpCore       *core,
                                                        const char           *name,
                                                        const char           *value);
void            mcp_sse_http_core_set_secret_header    (McpSseHttpCore       *core,
                                                        const char           *name,
                                                        const char           *value);
gboolean        mcp_sse_http_core_set_authorizer       (McpSseHttpCore       *core,
                                                        McpSseAuthorizer     *authorizer);
McpSseAuthorizer *mcp_sse_http_core_get_authorizer     (McpSseHttpCore       *core);
gboolean        mcp_sse_http_core_set_auth             (McpSseHttpCore       *core,
                                                        SoupAuth             *auth);
SoupAuth       *mcp_sse_http_core_get_auth             (McpSseHttpCore       *core);
gboolean        mcp_sse_http_core_set_timeout          (McpSseHttpCore       *core,
                                                        double                timeout);
double          mcp_sse_http_core_get_timeout          (McpSseHttpCore       *core);
gboolean        mcp_sse_http_core_set_protocol_version (McpSseHttpCore       *core,
                                                        const char           *protocol_version);
const char     *mcp_sse_http_core_get_protocol_version (McpSseHttpCore       *core);

SoupMessage    *mcp_sse_http_core_new_request          (McpSseHttpCore       *core,
                                                        const char           *method,
                                                        GUri                 *uri);

void            mcp_sse_http_core_send_async           (McpSseHttpCore       *core,
                                                        SoupMessage          *msg,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GInputStream   *mcp_sse_http_core_send_finish          (McpSseHttpCore       *core,
                                                        GAsyncResult         *result,
                                                        GError              **error);
gboolean        mcp_sse_http_core_is_challenge         (McpSseHttpCore       *core,
                                                        SoupMessage          *msg);
void            mcp_sse_http_core_challenge_async      (McpSseHttpCore       *core,
                                                        SoupMessage          *msg,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean        mcp_sse_http_core_challenge_finish     (McpSseHttpCore       *core,
                                                        GAsyncResult         *result,
                                                        GError              **error);

McpSsePostQueue *mcp_sse_http_core_get_post_queue     (McpSseHttpCore       *core);

/* mcp-sse-http-post.c */
void            mcp_sse_http_core_post_async           (McpSseHttpCore       *core,
                                                        GUri                 *uri,
                                                        const char           *content_type,
                                                        GBytes               *body,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean        mcp_sse_http_core_post_finish          (McpSseHttpCore       *core,
                                                        GAsyncResult         *result,
                                                        GError              **error);
void            mcp_sse_http_core_fail_posts           (McpSseHttpCore       *core,
                                                        const GError         *error);

gulong          mcp_sse_http_chain_cancel              (GCancellable         *from,
                                                        GCancellable         *to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McpSseHttpCore, mcp_sse_http_core_unref)

G_END_DECLS
