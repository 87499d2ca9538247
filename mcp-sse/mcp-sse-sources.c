/* mcp-sse-sources.c: deadlines, timeouts and cancellations on a main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "mcp-sse-sources-private.h"

/* Deadlines: a GSource whose ready time moves, cheaper than a new
 * timeout source for every change, such as a read timer restarted by
 * every read. */

static gboolean
deadline_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  g_source_set_ready_time (source, -1);
  return callback (user_data);
}

static GSourceFuncs deadline_funcs = {
  .dispatch = deadline_dispatch,
};

/* A disarmed deadline attached to @context. */
GSource *
mcp_sse_deadline_new (GMainContext *context,
                      const char   *name,
                      GSourceFunc   func,
                      gpointer      data)
{
  GSource *source = g_source_new (&deadline_funcs, sizeof (GSource));

  g_source_set_static_name (source, name);
  g_source_set_callback (source, func, data, NULL);
  g_source_set_ready_time (source, -1);
  g_source_attach (source, context);

  return source;
}

/* Arms @source to fire @seconds from now; 0 disarms it. */
void
mcp_sse_deadline_arm (GSource *source,
                      double   seconds)
{
  if (seconds > 0)
    g_source_set_ready_time (source, g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC));
  else
    g_source_set_ready_time (source, -1);
}

/* Timeouts and cancellations */

/* Returns a source calling @func after @seconds, or NULL when @seconds is
 * not positive: no deadline. */
GSource *
mcp_sse_timeout_source_attach (GMainContext *context,
                               double        seconds,
                               GSourceFunc   func,
                               gpointer      data)
{
  GSource *source;
  double ms = ceil (seconds * 1000.0);

  if (seconds <= 0)
    return NULL;

  source = g_timeout_source_new (ms >= G_MAXUINT ? G_MAXUINT : (guint) ms);
  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, context);
  return source;
}

/* The callback runs on @context, whichever thread cancels. NULL when
 * @cancellable is NULL. */
GSource *
mcp_sse_cancel_source_attach (GMainContext           *context,
                              GCancellable           *cancellable,
                              GCancellableSourceFunc  func,
                              gpointer                data)
{
  GSource *source;

  if (cancellable == NULL)
    return NULL;

  source = g_cancellable_source_new (cancellable);
  g_source_set_callback (source, G_SOURCE_FUNC (func), data, NULL);
  g_source_attach (source, context);
  return source;
}

/* Destroys and drops *@source, if any. */
void
mcp_sse_source_clear (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}
