/* test-soup-post-reuse.c: what libsoup does with a POST on a kept-alive connection
 *
 * mcp-sse POSTs every MCP message. These tests pin down how the libsoup
 * that the library is built against treats such POSTs, with and without
 * SOUP_MESSAGE_IDEMPOTENT, so that a change of libsoup that changes the
 * answer fails here first.
 *
 * Facts, as measured against libsoup 3.2.3:
 *
 *  - Connections. Without the flag, every POST gets a connection of its
 *    own: 100 sequential POSTs open 100 connections (100 TLS handshakes
 *    over https). With the flag, the POSTs share one kept-alive
 *    connection: 100 POSTs, 1 connection.
 *
 *  - Re-sending. The flag only makes the POST eligible for a kept-alive
 *    connection. libsoup re-sends a request that failed on a reused
 *    connection only when its *method* is idempotent (GET, HEAD, OPTIONS,
 *    PROPFIND, TRACE, PUT, DELETE); the message flag is not consulted.
 *    So a POST, flagged or not, is never re-sent:
 *      (a) connection closed while idle, before the POST is written:
 *          libsoup sees the closed connection when it picks one (it
 *          reads from an idle connection before reusing it), opens a new
 *          connection and sends the POST there once: success, the server
 *          reads the body once;
 *      (a') the POST reached the server, which closed the connection
 *          without reading it (the race that case (a) leaves open: the
 *          peer closes between libsoup's check and its write): the client
 *          gets G_IO_ERROR_CONNECTION_CLOSED ("Connection reset by
 *          peer"), nothing is re-sent;
 *      (b) the server read the whole POST and closed without answering:
 *          the client gets G_IO_ERROR_PARTIAL_INPUT ("Connection
 *          terminated unexpectedly"), the server read the body once.
 *    A GET in (a') and (b) is re-sent on a new connection and succeeds:
 *    in (b) the server reads it twice. libsoup re-sends whenever no byte
 *    of the response was read, however much of the request reached the
 *    server; it does not know, and does not ask, whether the server
 *    acted on it.
 *
 * The rule for the Streamable HTTP transport: marking a POST
 * SOUP_MESSAGE_IDEMPOTENT is safe from duplicates on libsoup 3.2 (a POST
 * is never re-sent: a failed POST is reported to the caller), and buys
 * connection reuse; its cost is that a POST sent on a connection that the
 * server closed at the same moment fails with G_IO_ERROR_CONNECTION_CLOSED
 * or G_IO_ERROR_PARTIAL_INPUT instead of going out on a fresh one. Whoever
 * retries such a POST must do it above libsoup, and only when a duplicate
 * is harmless (a notification or a response the server may see twice) or
 * the request provably did not reach the server: after (b) the server may
 * well have run it. Never send an MCP request with an idempotent method
 * (PUT, DELETE): libsoup would re-send that by itself.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libsoup/soup.h>

#include "mcp-sse-test-server.h"

#define N_POSTS 100
#define MESSAGE_PATH "/message"

/* Helpers */

typedef struct
{
  GBytes *body;
  GError *error;
  guint status;
  gboolean done;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->body, g_bytes_unref);
  g_clear_error (&result->error);
  result->status = 0;
  result->done = FALSE;
}

static void
on_sent (GObject      *source,
         GAsyncResult *async_result,
         gpointer      user_data)
{
  Result *result = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), async_result);

  result->body = soup_session_send_and_read_finish (SOUP_SESSION (source), async_result, &result->error);
  result->status = soup_message_get_status (msg);
  result->done = TRUE;
}

/* Sends one request on the test thread's context and waits for its end. */
static void
send_request (SoupSession *session,
              const char  *method,
              const char  *url,
              const char  *body,
              gboolean     idempotent,
              Result      *result)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  if (idempotent)
    soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);

  result_clear (result);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, result);
  TEST_WAIT_UNTIL (result->done);
}

static void
assert_success (Result     *result,
                const char *expected_body)
{
  g_assert_no_error (result->error);
  g_assert_cmpuint (result->status, ==, SOUP_STATUS_OK);
  g_assert_cmpmem (g_bytes_get_data (result->body, NULL), g_bytes_get_size (result->body),
                   expected_body, strlen (expected_body));
}

/* 1 and 2: connections per 100 sequential POSTs */

typedef struct
{
  TestServerFlags server_flags;
  gboolean idempotent;
  guint expected_connections;
} CountCase;

static void
test_count_connections (gconstpointer data)
{
  const CountCase *c = data;
  g_autoptr(TestServer) server = test_server_new (TEST_SERVER_KEEP_ALIVE | c->server_flags);
  g_autofree char *url = test_server_build_url (server, MESSAGE_PATH);
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);
  g_autoptr(GTlsDatabase) database = NULL;
  SoupSession *session;
  Result result = { 0, };

  if (c->server_flags & TEST_SERVER_TLS)
    {
      g_autofree char *ca = test_server_get_certificate_path ();
      g_autoptr(GError) error = NULL;

      database = g_tls_file_database_new (ca, &error);
      g_assert_no_error (error);
    }
  session = database != NULL ? soup_session_new_with_options ("tls-database", database, NULL)
                             : soup_session_new ();
  test_server_add_response (server, MESSAGE_PATH, SOUP_STATUS_OK, "application/json", "{}", NULL, NULL);

  for (guint i = 0; i < N_POSTS; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"n\":%u}", i);

      send_request (session, SOUP_METHOD_POST, url, body, c->idempotent, &result);
      assert_success (&result, "{}");
    }
  result_clear (&result);

  g_assert_cmpuint (test_server_count_requests (server, SOUP_METHOD_POST, MESSAGE_PATH), ==, N_POSTS);
  for (guint i = 0; i < N_POSTS; i++)
    {
      g_autoptr(TestRequest) request = test_server_dup_request (server, SOUP_METHOD_POST, MESSAGE_PATH, i);

      g_hash_table_add (ports, GUINT_TO_POINTER (request->remote_port));
    }
  g_test_message ("%u POSTs%s over %s: %u connections", N_POSTS,
                  c->idempotent ? " marked idempotent" : "",
                  c->server_flags & TEST_SERVER_TLS ? "https" : "http",
                  g_hash_table_size (ports));
  g_assert_cmpuint (g_hash_table_size (ports), ==, c->expected_connections);

  test_unref_and_wait (session);
}

/* 3 and 4: a kept-alive connection that the server closes
 *
 * A server of its own, on raw sockets, that does to each request what the
 * test asks: answer it, answer and close, close on its arrival without
 * reading it, or read it whole and close without answering. Each
 * connection is served on a thread of its own. */

typedef enum
{
  ACTION_RESPOND,               /* answer, keep the connection open */
  ACTION_RESPOND_THEN_CLOSE,    /* answer (keep-alive), then close */
  ACTION_CLOSE_UNREAD,          /* the whole request arrived: close unread */
  ACTION_CLOSE_AFTER_READ,      /* read the whole request, close unanswered */
} Action;

#define RESPONSE_BODY "ok"
#define RESPONSE                                                              \
  "HTTP/1.1 200 OK\r\n"                                                       \
  "Content-Type: text/plain\r\n"                                              \
  "Content-Length: 2\r\n"                                                     \
  "\r\n"                                                                      \
  RESPONSE_BODY

typedef struct
{
  char *path;
  char *body;
  guint16 port;
} Seen;

static void
seen_free (Seen *seen)
{
  g_free (seen->path);
  g_free (seen->body);
  g_free (seen);
}

typedef struct
{
  GSocketService *service;
  guint port;
  GCancellable *cancellable;

  GMutex mutex;
  GArray *actions;              /* of Action, by order of arrival */
  GPtrArray *arrived;           /* of Seen: requests that reached the server */
  GPtrArray *read;              /* of Seen: requests that it read whole */
  GHashTable *ports;            /* of the connections it accepted */
  guint n_closed;               /* connections it closed itself */
  guint n_active;               /* connection threads still running */
} RawServer;

/* Waits until @socket has more than @have bytes to read, or is at its end;
 * FALSE when cancelled. */
static gboolean
wait_for_more (RawServer *server,
               GSocket   *socket,
               gsize      have)
{
  g_autoptr(GError) error = NULL;

  /* poll() reports the socket readable only once this much is there. */
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVLOWAT, have + 1, &error);
  g_assert_no_error (error);
  if (!g_socket_condition_wait (socket, G_IO_IN, server->cancellable, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      return FALSE;
    }
  return TRUE;
}

/* Looks at the next request in @socket's buffer without taking it, until
 * all of it has arrived. Returns its length (head and body), 0 at the end
 * of the stream or when cancelled. */
static gsize
peek_request (RawServer  *server,
              GSocket    *socket,
              char      **path,
              char      **body)
{
  char buffer[4096];
  gsize have = 0;

  for (;;)
    {
      const char *end;
      gssize n;

      if (!wait_for_more (server, socket, have))
        return 0;
      n = recv (g_socket_get_fd (socket), buffer, sizeof buffer - 1, MSG_PEEK);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n <= 0)
        return 0;  /* the client closed it (or reset it) */
      g_assert_cmpint (n, <, (gssize) sizeof buffer - 1);
      have = n;
      buffer[have] = '\0';

      end = strstr (buffer, "\r\n\r\n");
      if (end != NULL)
        {
          g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
          gsize head = end + 4 - buffer;
          goffset length;

          g_assert_true (soup_headers_parse_request (buffer, head, headers, NULL, path, NULL) == SOUP_STATUS_OK);
          length = soup_message_headers_get_content_length (headers);
          if (have >= head + length)
            {
              *body = g_strndup (buffer + head, length);
              return head + length;
            }
          g_clear_pointer (path, g_free);
        }
    }
}

static Seen *
seen_new (const char *path,
          const char *body,
          guint16     port)
{
  Seen *seen = g_new0 (Seen, 1);

  seen->path = g_strdup (path);
  seen->body = g_strdup (body);
  seen->port = port;
  return seen;
}

static void
close_connection (RawServer *server,
                  GSocket   *socket)
{
  g_autoptr(GError) error = NULL;

  /* A close with unread data in the buffer resets the connection. */
  g_socket_close (socket, &error);
  g_assert_no_error (error);
  g_mutex_lock (&server->mutex);
  server->n_closed++;
  g_mutex_unlock (&server->mutex);
}

static gboolean
on_run (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source,
        gpointer                user_data)
{
  RawServer *server = user_data;
  GSocket *socket = g_socket_connection_get_socket (connection);
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  remote = g_socket_connection_get_remote_address (connection, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote));
  g_mutex_lock (&server->mutex);
  g_hash_table_add (server->ports, GUINT_TO_POINTER (port));
  g_mutex_unlock (&server->mutex);

  for (;;)
    {
      g_autofree char *path = NULL;
      g_autofree char *body = NULL;
      g_autofree char *taken = NULL;
      gsize length = peek_request (server, socket, &path, &body);
      Action action = ACTION_RESPOND;
      gsize done;

      if (length == 0)
        break;

      g_mutex_lock (&server->mutex);
      if (server->arrived->len < server->actions->len)
        action = g_array_index (server->actions, Action, server->arrived->len);
      g_ptr_array_add (server->arrived, seen_new (path, body, port));
      g_mutex_unlock (&server->mutex);

      if (action == ACTION_CLOSE_UNREAD)
        {
          close_connection (server, socket);
          break;
        }

      taken = g_malloc (length);
      for (done = 0; done < length;)
        {
          gssize n = g_socket_receive (socket, taken + done, length - done, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpint (n, >, 0);
          done += n;
        }
      g_mutex_lock (&server->mutex);
      g_ptr_array_add (server->read, seen_new (path, body, port));
      g_mutex_unlock (&server->mutex);

      if (action == ACTION_CLOSE_AFTER_READ)
        {
          close_connection (server, socket);
          break;
        }

      g_socket_send_with_blocking (socket, RESPONSE, strlen (RESPONSE), TRUE, NULL, &error);
      g_assert_no_error (error);

      if (action == ACTION_RESPOND_THEN_CLOSE)
        {
          close_connection (server, socket);
          break;
        }
    }

  g_mutex_lock (&server->mutex);
  server->n_active--;
  g_mutex_unlock (&server->mutex);
  return TRUE;
}

/* Runs on the accepting (test) thread, before the connection's thread. */
static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  RawServer *server = user_data;

  g_mutex_lock (&server->mutex);
  server->n_active++;
  g_mutex_unlock (&server->mutex);
  return FALSE;  /* the threaded service's own handler runs on_run */
}

static RawServer *
raw_server_new (const Action *actions,
                guint         n_actions)
{
  RawServer *server = g_new0 (RawServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&server->mutex);
  server->actions = g_array_new (FALSE, FALSE, sizeof (Action));
  g_array_append_vals (server->actions, actions, n_actions);
  server->arrived = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  server->read = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  server->ports = g_hash_table_new (NULL, NULL);
  server->cancellable = g_cancellable_new ();
  server->service = g_threaded_socket_service_new (4);
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_signal_connect (server->service, "run", G_CALLBACK (on_run), server);
  {
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) effective = NULL;

    g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), address,
                                   G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                   NULL, &effective, &error);
    g_assert_no_error (error);
    server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  }
  g_socket_service_start (server->service);
  return server;
}

static gboolean
raw_server_is_idle (RawServer *server)
{
  gboolean idle;

  g_mutex_lock (&server->mutex);
  idle = server->n_active == 0;
  g_mutex_unlock (&server->mutex);
  return idle;
}

static guint
raw_server_count_closed (RawServer *server)
{
  guint n;

  g_mutex_lock (&server->mutex);
  n = server->n_closed;
  g_mutex_unlock (&server->mutex);
  return n;
}

/* Call once the client is gone: its threads are then ending or ended. */
static void
raw_server_free (RawServer *server)
{
  g_cancellable_cancel (server->cancellable);
  TEST_WAIT_UNTIL (raw_server_is_idle (server));
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  test_unref_and_wait (server->service);
  g_object_unref (server->cancellable);
  g_hash_table_unref (server->ports);
  g_ptr_array_unref (server->read);
  g_ptr_array_unref (server->arrived);
  g_array_unref (server->actions);
  g_mutex_clear (&server->mutex);
  g_free (server);
}

static guint
count_seen (GPtrArray  *seen,
            const char *path,
            const char *body)
{
  guint n = 0;

  for (guint i = 0; i < seen->len; i++)
    {
      Seen *s = g_ptr_array_index (seen, i);

      if (g_str_equal (s->path, path))
        {
          g_assert_cmpstr (s->body, ==, body);
          n++;
        }
    }
  return n;
}

typedef enum
{
  CLOSE_IDLE,                   /* (a) after the first answer, while idle */
  CLOSE_UNREAD,                 /* (a') on the second request's arrival */
  CLOSE_AFTER_READ,             /* (b) after reading the second request */
} CloseCase;

typedef struct
{
  const char *method;
  gboolean idempotent;
  CloseCase close;

  /* What happens */
  guint connections;            /* that the server accepted */
  guint arrived;                /* times the second request reached it */
  guint read;                   /* times it read the second request whole */
  gboolean fails;               /* FALSE: the client got the answer */
  GIOErrorEnum error;           /* else the G_IO_ERROR it got */
} CloseScene;

static void
test_closed_connection (gconstpointer data)
{
  const CloseScene *scene = data;
  const Action close_idle[] = { ACTION_RESPOND_THEN_CLOSE };
  const Action close_unread[] = { ACTION_RESPOND, ACTION_CLOSE_UNREAD };
  const Action close_after_read[] = { ACTION_RESPOND, ACTION_CLOSE_AFTER_READ };
  gboolean post = g_str_equal (scene->method, SOUP_METHOD_POST);
  const char *first_body = post ? "{\"n\":1}" : "";
  const char *second_body = post ? "{\"n\":2}" : "";
  RawServer *server;
  SoupSession *session = soup_session_new ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *client = NULL;
  Result result = { 0, };

  switch (scene->close)
    {
    case CLOSE_IDLE:
      server = raw_server_new (close_idle, G_N_ELEMENTS (close_idle));
      break;
    case CLOSE_UNREAD:
      server = raw_server_new (close_unread, G_N_ELEMENTS (close_unread));
      break;
    case CLOSE_AFTER_READ:
      server = raw_server_new (close_after_read, G_N_ELEMENTS (close_after_read));
      break;
    default:
      g_assert_not_reached ();
    }
  first = g_strdup_printf ("http://127.0.0.1:%u/first", server->port);
  second = g_strdup_printf ("http://127.0.0.1:%u/second", server->port);

  /* The first request leaves a used, kept-alive connection behind. */
  send_request (session, scene->method, first, post ? first_body : NULL, scene->idempotent, &result);
  assert_success (&result, RESPONSE_BODY);
  if (scene->close == CLOSE_IDLE)
    TEST_WAIT_UNTIL (raw_server_count_closed (server) == 1);

  send_request (session, scene->method, second, post ? second_body : NULL, scene->idempotent, &result);

  client = result.error == NULL ? g_strdup ("success")
    : g_strdup_printf ("%s %d: %s", g_quark_to_string (result.error->domain),
                       result.error->code, result.error->message);
  if (scene->fails)
    g_assert_error (result.error, G_IO_ERROR, (gint) scene->error);
  else
    assert_success (&result, RESPONSE_BODY);
  result_clear (&result);

  test_unref_and_wait (session);
  /* Every thread of the server has ended: what it saw is final. */
  g_cancellable_cancel (server->cancellable);
  TEST_WAIT_UNTIL (raw_server_is_idle (server));
  g_test_message ("%s%s, %s: %u connections, the request arrived %u times, read %u times; client: %s",
                  scene->method, scene->idempotent ? " (idempotent)" : "",
                  scene->close == CLOSE_IDLE ? "closed while idle" :
                  scene->close == CLOSE_UNREAD ? "closed unread" : "closed after reading",
                  g_hash_table_size (server->ports),
                  count_seen (server->arrived, "/second", second_body),
                  count_seen (server->read, "/second", second_body),
                  client);
  g_assert_cmpuint (count_seen (server->read, "/first", first_body), ==, 1);
  g_assert_cmpuint (count_seen (server->arrived, "/second", second_body), ==, scene->arrived);
  g_assert_cmpuint (count_seen (server->read, "/second", second_body), ==, scene->read);
  g_assert_cmpuint (g_hash_table_size (server->ports), ==, scene->connections);
  raw_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  /* 1 and 2. Without the flag libsoup never reuses a connection for a
   * POST; with it, one connection carries them all. */
  static const CountCase http_plain = { TEST_SERVER_DEFAULT, FALSE, N_POSTS };
  static const CountCase http_idempotent = { TEST_SERVER_DEFAULT, TRUE, 1 };
  static const CountCase https_plain = { TEST_SERVER_TLS, FALSE, N_POSTS };
  static const CountCase https_idempotent = { TEST_SERVER_TLS, TRUE, 1 };

  /* 3. POST marked idempotent.
   * (a) libsoup finds the idle connection closed before it writes: a new
   *     connection, the POST sent once, success.
   * (a') and (b): the flag does not make a POST restartable (libsoup
   *     checks the method): the error reaches the caller, nothing is
   *     sent again. */
  static const CloseScene post_idempotent_idle = {
    "POST", TRUE, CLOSE_IDLE, 2, 1, 1, FALSE, 0,
  };
  static const CloseScene post_idempotent_unread = {
    "POST", TRUE, CLOSE_UNREAD, 1, 1, 0, TRUE, G_IO_ERROR_CONNECTION_CLOSED,
  };
  static const CloseScene post_idempotent_after_read = {
    "POST", TRUE, CLOSE_AFTER_READ, 1, 1, 1, TRUE, G_IO_ERROR_PARTIAL_INPUT,
  };

  /* 4. POST without the flag: it never rides the kept-alive connection,
   * so how that one is closed does not matter; what the server does with
   * the POST on its own connection does, and is not retried either. */
  static const CloseScene post_plain_idle = {
    "POST", FALSE, CLOSE_IDLE, 2, 1, 1, FALSE, 0,
  };
  static const CloseScene post_plain_unread = {
    "POST", FALSE, CLOSE_UNREAD, 2, 1, 0, TRUE, G_IO_ERROR_CONNECTION_CLOSED,
  };
  static const CloseScene post_plain_after_read = {
    "POST", FALSE, CLOSE_AFTER_READ, 2, 1, 1, TRUE, G_IO_ERROR_PARTIAL_INPUT,
  };

  /* For contrast, GET (an idempotent method) on the same kept-alive
   * connection: re-sent on a new connection whenever no byte of the
   * response came back, even after the server read it whole. */
  static const CloseScene get_unread = {
    "GET", FALSE, CLOSE_UNREAD, 2, 2, 1, FALSE, 0,
  };
  static const CloseScene get_after_read = {
    "GET", FALSE, CLOSE_AFTER_READ, 2, 2, 2, FALSE, 0,
  };

  test_init (&argc, &argv);

  g_test_add_data_func ("/soup-post-reuse/connections/http/plain", &http_plain, test_count_connections);
  g_test_add_data_func ("/soup-post-reuse/connections/http/idempotent", &http_idempotent, test_count_connections);
  g_test_add_data_func ("/soup-post-reuse/connections/https/plain", &https_plain, test_count_connections);
  g_test_add_data_func ("/soup-post-reuse/connections/https/idempotent", &https_idempotent, test_count_connections);

  g_test_add_data_func ("/soup-post-reuse/closed/post-idempotent/idle", &post_idempotent_idle, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/post-idempotent/unread", &post_idempotent_unread, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/post-idempotent/after-read", &post_idempotent_after_read, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/post/idle", &post_plain_idle, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/post/unread", &post_plain_unread, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/post/after-read", &post_plain_after_read, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/get/unread", &get_unread, test_closed_connection);
  g_test_add_data_func ("/soup-post-reuse/closed/get/after-read", &get_after_read, test_closed_connection);

  return g_test_run ();
}
