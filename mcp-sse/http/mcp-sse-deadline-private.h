/* mcp-sse-deadline-private.h: deadlines whose time can move
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GSource *mcp_sse_deadline_new   (GMainContext  *context,
                                 const char    *name,
                                 GSourceFunc    func,
                                 gpointer       data);
void     mcp_sse_deadline_arm   (GSource       *source,
                                 double         seconds);
void     mcp_sse_deadline_clear (GSource      **source);

G_END_DECLS
