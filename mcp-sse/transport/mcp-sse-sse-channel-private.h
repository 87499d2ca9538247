/* mcp-sse-sse-channel-private.h: the HTTP+SSE channel of a connection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mcp-sse-event.h"
#include "mcp-sse-http-core-private.h"

G_BEGIN_DECLS

typedef struct _McpSseSseChannel McpSseSseChannel;

/* How a channel tells its owner what happens. It calls them only while
 * it is open: once closed, or once it has ended, it calls none any more. */
typedef struct
{
  /* Every event of the stream, before the channel interprets it. */
  void (*event)     (McpSseSseChannel *channel,
                     McpSseEvent      *event,
                     gpointer          owner);
  /* A message event that holds a JSON value. */
  void (*message)   (McpSseSseChannel *channel,
                     JsonNode         *message,
                     gpointer          owner);
  /* The endpoint was accepted; the start completes right after. */
  void (*connected) (McpSseSseChannel *channel,
                     GUri             *endpoint,
                     gpointer          owner);
  /* Something went wrong; the stream goes on. */
  void (*error)     (McpSseSseChannel *channel,
                     const GError     *error,
                     gpointer          owner);
  /* The channel ended, before or after it connected, and released the
   * owner's reference: the owner forgets it. */
  void (*ended)     (McpSseSseChannel *channel,
                     const GError     *error,
                     gpointer          owner);
} McpSseSseChannelCallbacks;

McpSseSseChannel *mcp_sse_sse_channel_open               (McpSseHttpCore                  *core,
                                                          const McpSseSseChannelCallbacks *callbacks,
                                                          GObject                         *owner,
                                                          GTask                           *start_task,
                                                          double                           read_timeout,
                                                          guint64                          max_event_size);
void              mcp_sse_sse_channel_close              (McpSseSseChannel                *channel);
void              mcp_sse_sse_channel_set_read_timeout   (McpSseSseChannel                *channel,
                                                          double                           read_timeout);
void              mcp_sse_sse_channel_set_max_event_size (McpSseSseChannel                *channel,
                                                          guint64                          max_event_size);

G_END_DECLS
