/* bench-server.h: the demo server on a thread of its own, for the smoke
 * runs of the benchmarks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BenchServer BenchServer;

/* Starts a demo server on 127.0.0.1 and an ephemeral port, running on a
 * thread and main context of its own. */
BenchServer *bench_server_start   (GError      **error);

/* The URL of its event stream (transfer none). */
const char  *bench_server_get_url (BenchServer  *server);

/* Stops the server and joins its thread. */
void         bench_server_stop    (BenchServer  *server);

G_END_DECLS
