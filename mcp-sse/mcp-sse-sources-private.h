/* mcp-sse-sources-private.h: deadlines, timeouts and cancellations on a main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GSource *mcp_sse_deadline_new          (GMainContext           *context,
                                        const char             *name,
                                        GSourceFunc             func,
                                        gpointer                data);
void     mcp_sse_deadline_arm          (GSource                *source,
                                        double                  seconds);
GSource *mcp_sse_timeout_source_attach (GMainContext           *context,
                                        double                  seconds,
                                        GSourceFunc             func,
                                        gpointer                data);
GSource *mcp_sse_cancel_source_attach  (GMainContext           *context,
                                        GCancellable           *cancellable,
                                        GCancellableSourceFunc  func,
                                        gpointer                data);
void     mcp_sse_source_clear          (GSource               **source);

G_END_DECLS
