/* mcp-sse-test-server.c: an in-process HTTP server on its own thread, for tests
 *
 * The SoupServer runs on a thread of its own with its own GMainContext, so
 * that the code under test can block its own context (or run on another
 * one) without stalling the server. Everything that touches libsoup runs on
 * the server thread: calls from the test thread are marshalled there and
 * wait until they are done, so a test sees the server in a known state when
 * a call returns. What the server records is guarded by a mutex.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "mcp-sse-test-server.h"

/* The server */

struct _TestServer
{
  TestServerFlags flags;
  char *bind_address;
  guint bind_port;

  /* Server thread only */
  SoupServer *soup;
  GHashTable *handlers;
  GPtrArray *stalled;
  GSocketListener *listener;
  GCancellable *accept_cancellable;
  GTlsCertificate *certificate;
  GHashTable *sockets;          /* remote port -> GSocket */

  /* Set once before test_server_new() returns */
  char *host;
  guint port;
  char *origin;

  GMutex mutex;
  GCond cond;
  gint soup_finalized;
  GPtrArray *requests;
  GPtrArray *streams;
  guint n_started;
  guint n_stalled;
};

struct _TestStream
{
  gint ref_count;
  TestServer *server;

  /* Server thread only */
  SoupServerMessage *msg;
  GSocket *socket;
  GSource *watch;
  GSource *drip_source;
  GBytes *drip_data;
  gsize drip_offset;
  gsize drip_piece;
  gboolean ending;

  /* Atomic */
  gint finished;
  gint peer_closed;
  gint dripping;

  /* Under the server's mutex */
  guint64 written;
};

typedef struct
{
  TestServerHandler handler;
  gpointer user_data;
  GDestroyNotify destroy;
} HandlerEntry;

static void
handler_entry_free (HandlerEntry *entry)
{
  if (entry->destroy != NULL)
    entry->destroy (entry->user_data);
  g_free (entry);
}

/* One thread and one main context serve every server of the process. */

static GMainContext *server_context;
static GThread *server_thread;
static gint server_thread_quit;

static gpointer
run_server_context (gpointer data)
{
  g_main_context_push_thread_default (server_context);
  while (!g_atomic_int_get (&server_thread_quit))
    g_main_context_iteration (server_context, TRUE);
  g_main_context_pop_thread_default (server_context);

  return NULL;
}

/* A thread still running at exit looks like a leak to valgrind. */
static void
stop_server_thread (void)
{
  g_atomic_int_set (&server_thread_quit, TRUE);
  g_main_context_wakeup (server_context);
  g_thread_join (server_thread);
}

static void
ensure_server_thread (void)
{
  static gsize started = 0;

  if (g_once_init_enter (&started))
    {
      server_context = g_main_context_new ();
      server_thread = g_thread_new ("test-server", run_server_context, NULL);
      atexit (stop_server_thread);
      g_once_init_leave (&started, 1);
    }
}

/* Running a function on the server thread and waiting for it */

typedef struct
{
  TestServer *server;
  GFunc func;
  gpointer data;
  gpointer arg;
  gboolean done;
} ServerCall;

static gboolean
server_call_dispatch (gpointer user_data)
{
  ServerCall *call = user_data;

  call->func (call->data, call->arg);
  g_mutex_lock (&call->server->mutex);
  call->done = TRUE;
  g_cond_broadcast (&call->server->cond);
  g_mutex_unlock (&call->server->mutex);

  return G_SOURCE_REMOVE;
}

static void
server_call (TestServer *server,
             GFunc       func,
             gpointer    data,
             gpointer    arg)
{
  ServerCall call = { server, func, data, arg, FALSE };
  GSource *source;

  if (g_main_context_is_owner (server_context))
    {
      func (data, arg);
      return;
    }

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, server_call_dispatch, &call, NULL);
  g_source_attach (source, server_context);
  g_source_unref (source);

  g_mutex_lock (&server->mutex);
  while (!call.done)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);
}

/* Recording requests */

void
test_request_free (TestRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  soup_message_headers_unref (request->headers);
  g_bytes_unref (request->body);
  g_free (request);
}

static TestRequest *
test_request_copy (const TestRequest *request)
{
  TestRequest *copy = g_new0 (TestRequest, 1);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  copy->method = g_strdup (request->method);
  copy->path = g_strdup (request->path);
  copy->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, request->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (copy->headers, name, value);
  copy->body = g_bytes_ref (request->body);
  copy->remote_port = request->remote_port;

  return copy;
}

static TestRequest *
test_request_new_for_message (SoupServerMessage *msg)
{
  TestRequest *request = g_new0 (TestRequest, 1);
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  request->method = g_strdup (soup_server_message_get_method (msg));
  if (g_uri_get_query (uri) != NULL)
    request->path = g_strconcat (g_uri_get_path (uri), "?", g_uri_get_query (uri), NULL);
  else
    request->path = g_strdup (g_uri_get_path (uri));
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (request->headers, name, value);
  request->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  request->remote_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg)));

  return request;
}

static gboolean
request_matches (const TestRequest *request,
                 const char        *method,
                 const char        *path)
{
  gsize path_length;

  if (method != NULL && g_strcmp0 (request->method, method) != 0)
    return FALSE;
  if (path == NULL)
    return TRUE;

  path_length = strcspn (request->path, "?");
  return strlen (path) == path_length && strncmp (request->path, path, path_length) == 0;
}

guint
test_server_count_requests (TestServer *server,
                            const char *method,
                            const char *path)
{
  guint count = 0;
  guint i;

  g_mutex_lock (&server->mutex);
  for (i = 0; i < server->requests->len; i++)
    if (request_matches (g_ptr_array_index (server->requests, i), method, path))
      count++;
  g_mutex_unlock (&server->mutex);

  return count;
}

/* Returns a copy of the @nth (from 0) request that matches @method and
 * @path (either may be NULL), or NULL. */
TestRequest *
test_server_dup_request (TestServer *server,
                         const char *method,
                         const char *path,
                         guint       nth)
{
  TestRequest *found = NULL;
  guint i;

  g_mutex_lock (&server->mutex);
  for (i = 0; i < server->requests->len && found == NULL; i++)
    {
      TestRequest *request = g_ptr_array_index (server->requests, i);

      if (request_matches (request, method, path) && nth-- == 0)
        found = test_request_copy (request);
    }
  g_mutex_unlock (&server->mutex);

  return found;
}

/* How many requests started arriving, including ones the server could not
 * parse (a TLS handshake on a plain port, say). */
guint
test_server_count_started (TestServer *server)
{
  guint count;

  g_mutex_lock (&server->mutex);
  count = server->n_started;
  g_mutex_unlock (&server->mutex);

  return count;
}

guint
test_server_count_stalled (TestServer *server)
{
  guint count;

  g_mutex_lock (&server->mutex);
  count = server->n_stalled;
  g_mutex_unlock (&server->mutex);

  return count;
}

/* Dispatching */

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    TestServer        *server)
{
  g_mutex_lock (&server->mutex);
  server->n_started++;
  g_mutex_unlock (&server->mutex);
}

static void
dispatch_request (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  TestServer *server = user_data;
  TestRequest *request = test_request_new_for_message (msg);
  HandlerEntry *entry;

  g_mutex_lock (&server->mutex);
  g_ptr_array_add (server->requests, request);
  g_mutex_unlock (&server->mutex);

  entry = g_hash_table_lookup (server->handlers, path);
  if (entry == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  entry->handler (server, msg, entry->user_data);
}

typedef struct
{
  char *path;
  HandlerEntry *entry;
} AddHandler;

static void
add_handler_on_server (gpointer data,
                       gpointer arg)
{
  TestServer *server = data;
  AddHandler *add = arg;

  g_hash_table_replace (server->handlers, add->path, add->entry);
}

void
test_server_add_handler (TestServer        *server,
                         const char        *path,
                         TestServerHandler  handler,
                         gpointer           user_data,
                         GDestroyNotify     destroy)
{
  HandlerEntry *entry = g_new0 (HandlerEntry, 1);
  AddHandler add = { g_strdup (path), entry };

  entry->handler = handler;
  entry->user_data = user_data;
  entry->destroy = destroy;
  server_call (server, add_handler_on_server, server, &add);
}

static void stream_detach (TestStream *stream);

/* Starting and stopping */

char *
test_server_get_certificate_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "certs", "test-cert.pem", NULL);
}

GTlsCertificate *
test_server_load_certificate (void)
{
  g_autofree char *cert = test_server_get_certificate_path ();
  g_autofree char *key = g_test_build_filename (G_TEST_DIST, "certs", "test-key.pem", NULL);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (cert, key, &error);

  g_assert_no_error (error);
  return certificate;
}

/* The server accepts connections itself and hands them to libsoup with
 * soup_server_accept_iostream(): libsoup 3.2's own listener leaks every
 * socket it accepts, and the server needs the sockets anyway (to watch,
 * reset or cut a connection), which libsoup does not give for streams it
 * did not accept. */

static void accept_next (TestServer *server);

static void
on_accepted (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  TestServer *server = user_data;
  GSocket *socket;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;  /* the server is gone */
  g_assert_no_error (error);

  socket = g_socket_connection_get_socket (connection);
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  local = g_socket_connection_get_local_address (connection, &error);
  g_assert_no_error (error);
  remote = g_socket_connection_get_remote_address (connection, &error);
  g_assert_no_error (error);
  g_hash_table_replace (server->sockets,
                        GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote))),
                        g_object_ref (socket));

  if (server->certificate != NULL)
    {
      stream = G_IO_STREAM (g_tls_server_connection_new (G_IO_STREAM (connection), server->certificate, &error));
      g_assert_no_error (error);
      g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (stream), FALSE);
    }
  else
    stream = G_IO_STREAM (g_object_ref (connection));

  soup_server_accept_iostream (server->soup, stream, local, remote, &error);
  g_assert_no_error (error);

  accept_next (server);
}

static void
accept_next (TestServer *server)
{
  g_socket_listener_accept_async (server->listener, server->accept_cancellable, on_accepted, server);
}

/* The socket of the connection @msg arrived on. */
static GSocket *
lookup_socket (TestServer        *server,
               SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  g_assert_nonnull (remote);
  return g_hash_table_lookup (server->sockets,
                              GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote))));
}

static gboolean
server_listen (TestServer  *server,
               GError     **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string (server->bind_address,
                                                                             server->bind_port);
  g_autoptr(GSocketAddress) unused = g_inet_socket_address_new_from_string (server->bind_address, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  g_assert_nonnull (address);
  if (server->flags & TEST_SERVER_TLS)
    server->certificate = test_server_load_certificate ();

  server->listener = g_socket_listener_new ();
  /* Tests open hundreds of connections at once; GIO's default backlog of
   * 10 would make a slow run (valgrind, sanitizers) drop some. */
  g_socket_listener_set_backlog (server->listener, 1024);
  server->accept_cancellable = g_cancellable_new ();
  if (!g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    return FALSE;

  /* libsoup 3.2 keeps a connection open after a response only while the
   * SoupServer has a listener of its own: one on a port nobody is told of,
   * which accepts nothing. */
  if ((server->flags & TEST_SERVER_KEEP_ALIVE) &&
      !soup_server_listen (server->soup, unused, 0, error))
    return FALSE;

  server->host = g_strdup (server->bind_address);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  server->origin = g_strdup_printf ("%s://%s:%u", server->certificate != NULL ? "https" : "http",
                                    server->host, server->port);
  accept_next (server);

  return TRUE;
}

static void
start_on_server (gpointer data,
                 gpointer arg)
{
  TestServer *server = data;
  GError **error = arg;

  server->soup = soup_server_new (NULL, NULL);
  server->sockets = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  soup_server_add_handler (server->soup, NULL, dispatch_request, server, NULL);
  server_listen (server, error);
}

/* A server listening on @address:@port (0: any free port), or NULL (with a
 * test message) if it cannot listen there. */
TestServer *
test_server_new_at (TestServerFlags  flags,
                    const char      *address,
                    guint            port)
{
  TestServer *server = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;

  ensure_server_thread ();

  server->flags = flags;
  server->bind_address = g_strdup (address);
  server->bind_port = port;
  server->handlers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) handler_entry_free);
  server->stalled = g_ptr_array_new_with_free_func (g_object_unref);
  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) test_request_free);
  server->streams = g_ptr_array_new_with_free_func ((GDestroyNotify) test_stream_unref);
  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);

  server_call (server, start_on_server, server, &error);
  if (error != NULL)
    {
      g_test_message ("cannot listen on %s:%u: %s", address, port, error->message);
      test_server_free (server);
      return NULL;
    }

  return server;
}

/* A server on 127.0.0.1, on a port of its choosing. */
TestServer *
test_server_new (TestServerFlags flags)
{
  TestServer *server = test_server_new_at (flags, "127.0.0.1", 0);

  g_assert_nonnull (server);
  return server;
}

static void
on_soup_finalized (gpointer  data,
                   GObject  *where_the_server_was)
{
  TestServer *server = data;

  g_atomic_int_set (&server->soup_finalized, TRUE);
}

static void
shutdown_on_server (gpointer data,
                    gpointer arg)
{
  TestServer *server = data;
  guint i;

  /* Only this thread adds streams, so no lock is needed to walk them. */
  for (i = 0; i < server->streams->len; i++)
    stream_detach (g_ptr_array_index (server->streams, i));

  g_ptr_array_set_size (server->stalled, 0);
  g_hash_table_remove_all (server->handlers);

  g_cancellable_cancel (server->accept_cancellable);
  g_clear_object (&server->accept_cancellable);
  g_socket_listener_close (server->listener);
  g_clear_object (&server->listener);
  g_clear_object (&server->certificate);
  g_clear_pointer (&server->sockets, g_hash_table_unref);

  g_object_weak_ref (G_OBJECT (server->soup), on_soup_finalized, server);
  soup_server_disconnect (server->soup);
  g_clear_object (&server->soup);
}

/* Closes every connection and checks that the SoupServer is finalized. */
void
test_server_free (TestServer *server)
{
  server_call (server, shutdown_on_server, server, NULL);
  TEST_WAIT_UNTIL (g_atomic_int_get (&server->soup_finalized));

  g_ptr_array_unref (server->streams);
  g_ptr_array_unref (server->requests);
  g_ptr_array_unref (server->stalled);
  g_hash_table_unref (server->handlers);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server->bind_address);
  g_free (server->host);
  g_free (server->origin);
  g_free (server);
}

const char *
test_server_get_host (TestServer *server)
{
  return server->host;
}

guint
test_server_get_port (TestServer *server)
{
  return server->port;
}

/* "http://127.0.0.1:PORT" (or https) */
const char *
test_server_get_origin (TestServer *server)
{
  return server->origin;
}

char *
test_server_build_url (TestServer *server,
                       const char *path_and_query)
{
  return g_strconcat (server->origin, path_and_query, NULL);
}

/* Fixed responses */

typedef struct
{
  guint status;
  char *content_type;
  char *body;
  char *header_name;
  char *header_value;
} Response;

static void
response_free (Response *response)
{
  g_free (response->content_type);
  g_free (response->body);
  g_free (response->header_name);
  g_free (response->header_value);
  g_free (response);
}

static void
respond (TestServer        *server,
         SoupServerMessage *msg,
         gpointer           user_data)
{
  Response *response = user_data;

  soup_server_message_set_status (msg, response->status, NULL);
  if (response->body != NULL)
    soup_server_message_set_response (msg, response->content_type, SOUP_MEMORY_COPY,
                                      response->body, strlen (response->body));
  else if (response->content_type != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Content-Type", response->content_type);
  if (response->header_name != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  response->header_name, response->header_value);
}

/* Answers every request for @path with @status, a body (nullable) and one
 * extra header (nullable), e.g. "Location" for a redirect. */
void
test_server_add_response (TestServer *server,
                          const char *path,
                          guint       status,
                          const char *content_type,
                          const char *body,
                          const char *header_name,
                          const char *header_value)
{
  Response *response = g_new0 (Response, 1);

  response->status = status;
  response->content_type = g_strdup (content_type);
  response->body = g_strdup (body);
  response->header_name = g_strdup (header_name);
  response->header_value = g_strdup (header_value);
  test_server_add_handler (server, path, respond, response, (GDestroyNotify) response_free);
}

/* Requests that are never answered */

typedef struct
{
  char *marker;
  guint status;
} Stall;

static void
stall_free (Stall *stall)
{
  g_free (stall->marker);
  g_free (stall);
}

static gboolean
body_contains (SoupServerMessage *msg,
               const char        *marker)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  return data != NULL && g_strstr_len (data, length, marker) != NULL;
}

static void
stall_or_respond (TestServer        *server,
                  SoupServerMessage *msg,
                  gpointer           user_data)
{
  Stall *stall = user_data;

  if (stall->marker == NULL || body_contains (msg, stall->marker))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (server->stalled, g_object_ref (msg));
      g_mutex_lock (&server->mutex);
      server->n_stalled++;
      g_mutex_unlock (&server->mutex);
      return;
    }

  soup_server_message_set_status (msg, stall->status, NULL);
}

/* Never answers the requests for @path whose body contains @body_marker
 * (all of them when NULL) until the server is freed; answers the others
 * with @status and an empty body. */
void
test_server_add_stall (TestServer *server,
                       const char *path,
                       const char *body_marker,
                       guint       status)
{
  Stall *stall = g_new0 (Stall, 1);

  stall->marker = g_strdup (body_marker);
  stall->status = status;
  test_server_add_handler (server, path, stall_or_respond, stall, (GDestroyNotify) stall_free);
}

/* SSE streams */

TestStream *
test_stream_ref (TestStream *stream)
{
  g_atomic_int_inc (&stream->ref_count);
  return stream;
}

/* The server holds a reference to each stream until it shuts down and
 * detaches it there, so the last reference never needs the server thread. */
void
test_stream_unref (TestStream *stream)
{
  if (!g_atomic_int_dec_and_test (&stream->ref_count))
    return;

  g_assert_null (stream->msg);
  g_free (stream);
}

static void
stream_stop_watch (TestStream *stream)
{
  if (stream->watch != NULL)
    {
      g_source_destroy (stream->watch);
      g_clear_pointer (&stream->watch, g_source_unref);
    }
}

static void
stream_stop_drip (TestStream *stream)
{
  if (stream->drip_source != NULL)
    {
      g_source_destroy (stream->drip_source);
      g_clear_pointer (&stream->drip_source, g_source_unref);
    }
  g_clear_pointer (&stream->drip_data, g_bytes_unref);
  g_atomic_int_set (&stream->dripping, FALSE);
}

static void
stream_detach (TestStream *stream)
{
  stream_stop_watch (stream);
  stream_stop_drip (stream);
  g_atomic_int_set (&stream->finished, TRUE);
  if (stream->msg != NULL)
    g_signal_handlers_disconnect_by_data (stream->msg, stream);
  g_clear_object (&stream->msg);
  g_clear_object (&stream->socket);
}

static void
on_stream_finished (SoupServerMessage *msg,
                    TestStream        *stream)
{
  /* A response that the test did not end can only finish because writing
   * failed: the client went away, perhaps before the watch noticed. */
  if (!stream->ending)
    g_atomic_int_set (&stream->peer_closed, TRUE);
  stream_stop_watch (stream);
  stream_stop_drip (stream);
  g_atomic_int_set (&stream->finished, TRUE);
}

static void
on_stream_wrote_body_data (SoupServerMessage *msg,
                           guint              chunk_size,
                           TestStream        *stream)
{
  g_mutex_lock (&stream->server->mutex);
  stream->written += chunk_size;
  g_mutex_unlock (&stream->server->mutex);
}

/* The client never sends anything on the GET's connection while the
 * response streams, so the socket turning readable means that it closed
 * (or reset) its end: peek to tell EOF from data. */
static gboolean
on_stream_socket_condition (GSocket      *socket,
                            GIOCondition  condition,
                            gpointer      user_data)
{
  TestStream *stream = user_data;
  char byte;
  gssize n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  if (n <= 0)
    g_atomic_int_set (&stream->peer_closed, TRUE);

  g_clear_pointer (&stream->watch, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
stream_start_watch (TestStream *stream)
{
  stream->watch = g_socket_create_source (stream->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (stream->watch, (GSourceFunc) G_CALLBACK (on_stream_socket_condition),
                         stream, NULL);
  g_source_attach (stream->watch, server_context);
}

static TestStream *
stream_new (TestServer        *server,
            SoupServerMessage *msg,
            const char        *content_type)
{
  TestStream *stream = g_new0 (TestStream, 1);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  GSocket *socket = lookup_socket (server, msg);

  stream->ref_count = 1;
  stream->server = server;
  stream->msg = g_object_ref (msg);
  stream->socket = socket != NULL ? g_object_ref (socket) : NULL;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", content_type);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);

  g_signal_connect (msg, "finished", G_CALLBACK (on_stream_finished), stream);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_stream_wrote_body_data), stream);

  /* Under TLS the client's close_notify makes the socket readable with
   * data, so closing cannot be told from peeking there. */
  if (stream->socket != NULL && !(server->flags & TEST_SERVER_TLS))
    stream_start_watch (stream);

  return stream;
}

static void
stream_append (TestStream *stream,
               const char *data,
               gsize       length)
{
  if (g_atomic_int_get (&stream->finished))
    return;

  soup_message_body_append (soup_server_message_get_response_body (stream->msg),
                            SOUP_MEMORY_COPY, data, length);
  soup_server_message_unpause (stream->msg);
}

typedef struct
{
  char *content_type;
  char *initial_data;
  char *header_name;
  char *header_value;
} Sse;

static void
sse_free (Sse *sse)
{
  g_free (sse->content_type);
  g_free (sse->initial_data);
  g_free (sse->header_name);
  g_free (sse->header_value);
  g_free (sse);
}

static void
start_sse (TestServer        *server,
           SoupServerMessage *msg,
           gpointer           user_data)
{
  Sse *sse = user_data;
  TestStream *stream = stream_new (server, msg, sse->content_type);

  if (sse->header_name != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  sse->header_name, sse->header_value);
  if (sse->initial_data != NULL)
    stream_append (stream, sse->initial_data, strlen (sse->initial_data));

  g_mutex_lock (&server->mutex);
  g_ptr_array_add (server->streams, stream);
  g_mutex_unlock (&server->mutex);
}

/* Answers the requests for @path with 200, @content_type (NULL:
 * "text/event-stream"), a chunked body that starts with @initial_data
 * (nullable) and stays open; the test drives it with test_stream_*(). */
void
test_server_add_sse (TestServer *server,
                     const char *path,
                     const char *content_type,
                     const char *initial_data)
{
  test_server_add_sse_full (server, path, content_type, initial_data, NULL, NULL);
}

/* Like test_server_add_sse(), with one more response header. */
void
test_server_add_sse_full (TestServer *server,
                          const char *path,
                          const char *content_type,
                          const char *initial_data,
                          const char *header_name,
                          const char *header_value)
{
  Sse *sse = g_new0 (Sse, 1);

  sse->content_type = g_strdup (content_type != NULL ? content_type : "text/event-stream");
  sse->initial_data = g_strdup (initial_data);
  sse->header_name = g_strdup (header_name);
  sse->header_value = g_strdup (header_value);
  test_server_add_handler (server, path, start_sse, sse, (GDestroyNotify) sse_free);
}

guint
test_server_count_streams (TestServer *server)
{
  guint count;

  g_mutex_lock (&server->mutex);
  count = server->streams->len;
  g_mutex_unlock (&server->mutex);

  return count;
}

/* The @nth (from 0) stream opened, or NULL. */
TestStream *
test_server_dup_stream (TestServer *server,
                        guint       nth)
{
  TestStream *stream = NULL;

  g_mutex_lock (&server->mutex);
  if (nth < server->streams->len)
    stream = test_stream_ref (g_ptr_array_index (server->streams, nth));
  g_mutex_unlock (&server->mutex);

  return stream;
}

static void
write_on_server (gpointer data,
                 gpointer arg)
{
  TestStream *stream = data;
  GBytes *bytes = arg;
  gsize length;
  const char *bytes_data = g_bytes_get_data (bytes, &length);

  stream_append (stream, bytes_data, length);
}

void
test_stream_write_len (TestStream *stream,
                       const char *data,
                       gsize       length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, length);

  server_call (stream->server, write_on_server, stream, bytes);
}

/* Appends @data as one chunk of the response body. */
void
test_stream_write (TestStream *stream,
                   const char *data)
{
  test_stream_write_len (stream, data, strlen (data));
}

static gboolean
drip_next (gpointer user_data)
{
  TestStream *stream = user_data;
  gsize length;
  const char *data = g_bytes_get_data (stream->drip_data, &length);
  gsize n = MIN (stream->drip_piece, length - stream->drip_offset);

  stream_append (stream, data + stream->drip_offset, n);
  stream->drip_offset += n;
  if (stream->drip_offset < length)
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&stream->drip_source, g_source_unref);
  g_clear_pointer (&stream->drip_data, g_bytes_unref);
  g_atomic_int_set (&stream->dripping, FALSE);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  GBytes *data;
  gsize piece;
  guint interval_ms;
} Drip;

static void
drip_on_server (gpointer data,
                gpointer arg)
{
  TestStream *stream = data;
  Drip *drip = arg;

  stream_stop_drip (stream);
  if (g_atomic_int_get (&stream->finished))
    return;

  stream->drip_data = g_bytes_ref (drip->data);
  stream->drip_offset = 0;
  stream->drip_piece = drip->piece;
  g_atomic_int_set (&stream->dripping, TRUE);
  stream->drip_source = g_timeout_source_new (drip->interval_ms);
  g_source_set_callback (stream->drip_source, drip_next, stream, NULL);
  g_source_attach (stream->drip_source, server_context);
}

/* Writes @data in pieces of @piece bytes, one every @interval_ms, the
 * first after @interval_ms; returns at once. */
void
test_stream_drip (TestStream *stream,
                  const char *data,
                  gsize       piece,
                  guint       interval_ms)
{
  Drip drip = { g_bytes_new (data, strlen (data)), MAX (piece, 1), interval_ms };

  server_call (stream->server, drip_on_server, stream, &drip);
  g_bytes_unref (drip.data);
}

gboolean
test_stream_is_dripping (TestStream *stream)
{
  return g_atomic_int_get (&stream->dripping);
}

static void
end_on_server (gpointer data,
               gpointer arg)
{
  TestStream *stream = data;

  stream_stop_drip (stream);
  if (g_atomic_int_get (&stream->finished))
    return;

  stream->ending = TRUE;
  soup_message_body_complete (soup_server_message_get_response_body (stream->msg));
  soup_server_message_unpause (stream->msg);
}

/* Ends the body cleanly (the last, empty chunk). */
void
test_stream_end (TestStream *stream)
{
  server_call (stream->server, end_on_server, stream, NULL);
}

/* The connection stays libsoup's: it learns of what is done to it below
 * on its next write, or when the server shuts down. (Stealing it would not
 * do: libsoup 3.2 ends the chunked body cleanly when it lets go.) */
static void
stream_abandon (TestStream *stream)
{
  stream_stop_watch (stream);
  stream_stop_drip (stream);
  g_atomic_int_set (&stream->finished, TRUE);
}

static void
reset_on_server (gpointer data,
                 gpointer arg)
{
  TestStream *stream = data;
  struct sockaddr unspecified = { .sa_family = AF_UNSPEC };

  if (g_atomic_int_get (&stream->finished))
    return;

  g_assert_nonnull (stream->socket);
  stream_abandon (stream);
  /* On Linux, connecting a TCP socket to AF_UNSPEC disconnects it with a
   * reset, and the descriptor stays valid for libsoup to close. */
  g_assert_cmpint (connect (g_socket_get_fd (stream->socket), &unspecified, sizeof unspecified), ==, 0);
}

/* Aborts the connection with a TCP reset; what was written and not yet
 * sent is lost. */
void
test_stream_reset (TestStream *stream)
{
  server_call (stream->server, reset_on_server, stream, NULL);
}

static void
truncate_on_server (gpointer data,
                    gpointer arg)
{
  TestStream *stream = data;
  const char *raw = arg;
  g_autoptr(GError) error = NULL;
  gssize sent;

  if (g_atomic_int_get (&stream->finished))
    return;

  g_assert_nonnull (stream->socket);
  g_assert_false (stream->server->flags & TEST_SERVER_TLS);
  stream_abandon (stream);
  sent = g_socket_send_with_blocking (stream->socket, raw, strlen (raw), TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sent, ==, strlen (raw));
  g_socket_shutdown (stream->socket, FALSE, TRUE, &error);
  g_assert_no_error (error);
}

/* Writes @raw straight to the socket, bypassing the chunked encoding (e.g.
 * a chunk header announcing more bytes than follow), then ends the
 * connection cleanly (FIN): a body cut short. Plain HTTP only. Call it
 * after what was written before has gone out (test_stream_get_written()). */
void
test_stream_truncate (TestStream *stream,
                      const char *raw)
{
  server_call (stream->server, truncate_on_server, stream, (gpointer) raw);
}

/* The response is over: ended, failed, reset or truncated. */
gboolean
test_stream_is_finished (TestStream *stream)
{
  return g_atomic_int_get (&stream->finished);
}

/* The client closed or reset its end of the connection: seen at once on
 * plain HTTP, on HTTPS only once a write fails. */
gboolean
test_stream_is_peer_closed (TestStream *stream)
{
  return g_atomic_int_get (&stream->peer_closed);
}

/* How many body bytes went to the socket. */
guint64
test_stream_get_written (TestStream *stream)
{
  guint64 written;

  g_mutex_lock (&stream->server->mutex);
  written = stream->written;
  g_mutex_unlock (&stream->server->mutex);

  return written;
}
