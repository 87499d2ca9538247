/* mcp-sse-test-server.h: an in-process HTTP server on its own thread, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "mcp-sse-test-utils.h"

G_BEGIN_DECLS

typedef enum
{
  TEST_SERVER_DEFAULT = 0,
  TEST_SERVER_TLS = 1 << 0,
  TEST_SERVER_KEEP_ALIVE = 1 << 1,  /* connections outlive their responses */
} TestServerFlags;

typedef struct _TestServer TestServer;
typedef struct _TestStream TestStream;

/* One request as the server saw it. */
typedef struct
{
  char *method;
  char *path;                   /* path and query, as sent */
  SoupMessageHeaders *headers;
  GBytes *body;
  guint16 remote_port;          /* the client's: tells its connections apart */
} TestRequest;

void test_request_free (TestRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestRequest, test_request_free)

/* Runs on the server thread. */
typedef void (*TestServerHandler) (TestServer        *server,
                                   SoupServerMessage *msg,
                                   gpointer           user_data);

TestServer  *test_server_new              (TestServerFlags    flags);
TestServer  *test_server_new_at           (TestServerFlags    flags,
                                           const char        *address,
                                           guint              port);
void         test_server_free             (TestServer        *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

const char  *test_server_get_host         (TestServer        *server);
guint        test_server_get_port         (TestServer        *server);
const char  *test_server_get_origin       (TestServer        *server);
char        *test_server_build_url        (TestServer        *server,
                                           const char        *path_and_query);
GTlsCertificate *test_server_load_certificate (void);
char        *test_server_get_certificate_path (void);

/* Handlers, keyed by exact path (no query); adding one for a path that has
 * one replaces it. A request for a path without a handler gets 404. */
void         test_server_add_handler      (TestServer        *server,
                                           const char        *path,
                                           TestServerHandler  handler,
                                           gpointer           user_data,
                                           GDestroyNotify     destroy);
void         test_server_add_sse          (TestServer        *server,
                                           const char        *path,
                                           const char        *content_type,
                                           const char        *initial_data);
void         test_server_add_sse_full     (TestServer        *server,
                                           const char        *path,
                                           const char        *content_type,
                                           const char        *initial_data,
                                           const char        *header_name,
                                           const char        *header_value);
void         test_server_add_response     (TestServer        *server,
                                           const char        *path,
                                           guint              status,
                                           const char        *content_type,
                                           const char        *body,
                                           const char        *header_name,
                                           const char        *header_value);
void         test_server_add_stall        (TestServer        *server,
                                           const char        *path,
                                           const char        *body_marker,
                                           guint              status);

/* What the server saw. */
guint        test_server_count_requests   (TestServer        *server,
                                           const char        *method,
                                           const char        *path);
TestRequest *test_server_dup_request      (TestServer        *server,
                                           const char        *method,
                                           const char        *path,
                                           guint              nth);
guint        test_server_count_started    (TestServer        *server);
guint        test_server_count_stalled    (TestServer        *server);

/* SSE streams opened by test_server_add_sse() handlers, in order. */
guint        test_server_count_streams    (TestServer        *server);
TestStream  *test_server_dup_stream       (TestServer        *server,
                                           guint              nth);

TestStream  *test_stream_ref              (TestStream        *stream);
void         test_stream_unref            (TestStream        *stream);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestStream, test_stream_unref)

void         test_stream_write            (TestStream        *stream,
                                           const char        *data);
void         test_stream_write_len        (TestStream        *stream,
                                           const char        *data,
                                           gsize              length);
void         test_stream_drip             (TestStream        *stream,
                                           const char        *data,
                                           gsize              piece,
                                           guint              interval_ms);
void         test_stream_end              (TestStream        *stream);
void         test_stream_reset            (TestStream        *stream);
void         test_stream_truncate         (TestStream        *stream,
                                           const char        *raw);
gboolean     test_stream_is_dripping      (TestStream        *stream);
gboolean     test_stream_is_finished      (TestStream        *stream);
gboolean     test_stream_is_peer_closed   (TestStream        *stream);
guint64      test_stream_get_written      (TestStream        *stream);

G_END_DECLS
