/* mcp-sse-deadline.c: deadlines whose time can move
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A deadline is a GSource whose ready time moves, cheaper than a new
 * timeout source for every byte that restarts the read timer. It fires
 * once per arming: dispatching disarms it.
 */

#include "config.h"

#include "mcp-sse-deadline-private.h"

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

void
mcp_sse_deadline_clear (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}
