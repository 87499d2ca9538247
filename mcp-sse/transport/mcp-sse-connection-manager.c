/* mcp-sse-connection-manager.c: the MCP HTTP+SSE client transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-connection-manager.h"
#include "mcp-sse-debug-private.h"
#include "mcp-sse-enum-types.h"
#include "mcp-sse-error.h"
#include "mcp-sse-error-details-private.h"
#include "mcp-sse-event-parser.h"
#include "mcp-sse-event.h"
#include "mcp-sse-http-core-private.h"
#include "mcp-sse-json-writer-private.h"
#include "mcp-sse-sse-channel-private.h"

/**
 * McpSseConnectionManager:
 *
 * The client side of the MCP "HTTP with SSE" transport (protocol version
 * 2024-11-05), the GObject counterpart of mcp-use's `SseConnectionManager`.
 *
 * [method@ConnectionManager.start_async] GETs the URL, reads the
 * `text/event-stream` answer with an [class@EventParser] and completes once
 * the server's `endpoint` event names where to POST messages, on the same
 * origin. From then on every `message` event that holds a JSON value is
 * emitted as [signal@Transport::message], and
 * [method@ConnectionManager.send_async] POSTs JSON-RPC messages to the
 * endpoint.
 *
 * ```c
 * static void
 * on_message (McpSseTransport *transport,
 *             JsonNode        *message,
 *             gpointer         user_data)
 * {
 *   g_autofree char *text = json_to_string (message, FALSE);
 *   g_print ("received %s\n", text);
 * }
 *
 * manager = mcp_sse_connection_manager_new ("http://127.0.0.1:3001/sse");
 * g_signal_connect (manager, "message", G_CALLBACK (on_message), NULL);
 * mcp_sse_connection_manager_start_async (manager, NULL, on_started, NULL);
 * ```
 *
 * Every wait has a deadline: [property@ConnectionManager:timeout] bounds
 * connecting (up to and including the endpoint event) and every POST,
 * [property@ConnectionManager:sse-read-timeout] bounds the silence on the
 * stream. A failed POST fails only its own send. When the stream ends,
 * [signal@Transport::closed] is emitted once, with the reason.
 *
 * Headers set with [method@ConnectionManager.set_header] and the
 * credentials of [property@ConnectionManager:authorizer],
 * [property@ConnectionManager:auth] or the URL's user info go on the GET
 * and on every POST, and never to another origin: an endpoint on another
 * origin is refused, and so is a redirect to one. User info never goes
 * into a request line, and libsoup's authentication manager is not used:
 * a 401 answer fails the operation with %MCP_SSE_ERROR_HTTP_STATUS unless
 * the authorizer asks for a retry.
 *
 * A manager creates its own [class@Soup.Session] unless one is given to
 * [ctor@ConnectionManager.new_full]. Since the GET holds one connection
 * for as long as the stream is open, such a session needs room for more
 * than one connection per host (libsoup allows only two by default) so
 * that POSTs can run concurrently, and its [property@Soup.Session:timeout]
 * must be 0 or longer than the silences the stream may have.
 *
 * With the environment variable `MCP_SSE_DEBUG=1` a manager logs its state
 * changes and, on a session it created itself, the HTTP headers it
 * exchanges, with the values of credentials and cookies masked.
 *
 * Since: 1.0
 */


struct _McpSseConnectionManager
{
  GObject parent_instance;

  McpSseHttpCore *core;             /* URL, session, headers, auth, timeout, POSTs */
  double sse_read_timeout;
  guint64 max_event_size;

  McpSseConnectionState state;
  char *endpoint;
  GUri *endpoint_uri;

  McpSseSseChannel *channel;        /* the GET while connecting or connected */
};

enum {
  PROP_0,
  PROP_URL,
  PROP_TIMEOUT,
  PROP_SSE_READ_TIMEOUT,
  PROP_SESSION,
  PROP_AUTH,
  PROP_AUTHORIZER,
  PROP_ENDPOINT,
  PROP_MAX_EVENT_SIZE,
  PROP_STATE,
  PROP_PROTOCOL_VERSION,
  N_PROPS
};

enum {
  EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint transport_message_signal;
static guint transport_error_signal;
static guint transport_closed_signal;

static void mcp_sse_connection_manager_transport_init (McpSseTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McpSseConnectionManager, mcp_sse_connection_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_TRANSPORT,
                                                      mcp_sse_connection_manager_transport_init))


/* State */

static const char *
state_name (McpSseConnectionState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (MCP_SSE_TYPE_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value != NULL ? value->value_nick : "?";
}

static const char *
display_url (McpSseConnectionManager *self)
{
  return mcp_sse_http_core_get_display_url (self->core);
}

static void
set_state (McpSseConnectionManager *self,
           McpSseConnectionState    state)
{
  if (self->state == state)
    return;

  MCP_SSE_NOTE (TRANSPORT, "%s: %s -> %s", display_url (self),
                state_name (self->state), state_name (state));

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_endpoint (McpSseConnectionManager *self,
              GUri                    *endpoint_uri)
{
  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  g_clear_pointer (&self->endpoint, g_free);

  if (endpoint_uri != NULL)
    {
      self->endpoint_uri = g_uri_ref (endpoint_uri);
      self->endpoint = g_uri_to_string (endpoint_uri);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENDPOINT]);
}

/* What the channel reports */

static void
on_channel_event (McpSseSseChannel *channel,
                  McpSseEvent      *event,
                  gpointer          owner)
{
  g_signal_emit (owner, signals[EVENT], 0, event);
}

static void
on_channel_message (McpSseSseChannel *channel,
                    JsonNode         *message,
                    gpointer          owner)
{
  g_signal_emit (owner, transport_message_signal, 0, message);
}

static void
on_channel_connected (McpSseSseChannel *channel,
                      GUri             *endpoint_uri,
                      gpointer          owner)
{
  McpSseConnectionManager *self = owner;

  /* Both change before anybody hears of either. */
  g_object_freeze_notify (G_OBJECT (self));
  set_endpoint (self, endpoint_uri);
  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_channel_error (McpSseSseChannel *channel,
                  const GError     *error,
                  gpointer          owner)
{
  g_signal_emit (owner, transport_error_signal, 0, error);
}

/* The channel ended: the start failed, or the connection that was up
 * closed with @error as the reason. */
static void
on_channel_ended (McpSseSseChannel *channel,
                  const GError     *error,
                  gpointer          owner)
{
  McpSseConnectionManager *self = owner;

  g_assert (self->channel == channel);
  self->channel = NULL;

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTING)
    {
      MCP_SSE_NOTE (TRANSPORT, "%s: start failed: %s", display_url (self), error->message);
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      return;
    }

  MCP_SSE_NOTE (TRANSPORT, "%s: closed: %s", display_url (self), error->message);

  mcp_sse_http_core_fail_posts (self->core, error);
  set_endpoint (self, NULL);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);

  if (!g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED))
    g_signal_emit (self, transport_error_signal, 0, error);
  g_signal_emit (self, transport_closed_signal, 0, error);
}

static const McpSseSseChannelCallbacks channel_callbacks = {
  .event = on_channel_event,
  .message = on_channel_message,
  .connected = on_channel_connected,
  .error = on_channel_error,
  .ended = on_channel_ended,
};

/* The transport */

static void
mcp_sse_connection_manager_real_start_async (McpSseTransport     *transport,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (transport);
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_connection_manager_start_async);

  if (mcp_sse_http_core_get_uri (self->core) == NULL)
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "“%s” is not an absolute http or https URL with a host",
                               display_url (self));
      return;
    }

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ||
      self->state == MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The connection to %s is already %s", display_url (self),
                               self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ?
                                 "being made" : "open");
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTING);
  self->channel = mcp_sse_sse_channel_open (self->core, &channel_callbacks, G_OBJECT (self), task,
                                            self->sse_read_timeout, self->max_event_size);
}

static gboolean
mcp_sse_connection_manager_real_start_finish (McpSseTransport  *transport,
                                              GAsyncResult     *result,
                                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_connection_manager_start_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  McpSseConnectionManager *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (mcp_sse_http_core_post_finish (self->core, result, &error))
    g_task_return_boolean (task, TRUE);
  else
    {
      mcp_sse_error_details_pass_on (result, task);
      g_task_return_error (task, error);
    }
}

static void
mcp_sse_connection_manager_real_send_async (McpSseTransport     *transport,
                                            JsonNode            *message,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (transport);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize length;
  char *text;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_connection_manager_send_async);

  if (self->state != MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED,
                               "Cannot send to %s: %s", display_url (self),
                               self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ?
                                 "the endpoint is not known yet" : "not connected");
      return;
    }

  text = mcp_sse_json_writer_write (message, &length);
  body = g_bytes_new_take (text, length);
  mcp_sse_http_core_post_async (self->core, self->endpoint_uri, "application/json", body,
                                cancellable, on_posted, g_steal_pointer (&task));
}

static gboolean
mcp_sse_connection_manager_real_send_finish (McpSseTransport  *transport,
                                             GAsyncResult     *result,
                                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_connection_manager_send_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_connection_manager_real_stop (McpSseTransport *transport)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (transport);
  g_autoptr(McpSseConnectionManager) hold = NULL;
  gboolean was_connected;

  if (self->channel == NULL)
    return;

  hold = g_object_ref (self);
  was_connected = self->state == MCP_SSE_CONNECTION_STATE_CONNECTED;

  MCP_SSE_NOTE (TRANSPORT, "%s: stopped", display_url (self));

  mcp_sse_sse_channel_close (g_steal_pointer (&self->channel));
  mcp_sse_http_core_fail_posts (self->core, NULL);
  if (was_connected)
    set_endpoint (self, NULL);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);

  if (was_connected)
    g_signal_emit (self, transport_closed_signal, 0, NULL);
}

static void
mcp_sse_connection_manager_transport_init (McpSseTransportInterface *iface)
{
  iface->start_async = mcp_sse_connection_manager_real_start_async;
  iface->start_finish = mcp_sse_connection_manager_real_start_finish;
  iface->send_async = mcp_sse_connection_manager_real_send_async;
  iface->send_finish = mcp_sse_connection_manager_real_send_finish;
  iface->stop = mcp_sse_connection_manager_real_stop;
}

/* GObject */

static void
mcp_sse_connection_manager_constructed (GObject *object)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  G_OBJECT_CLASS (mcp_sse_connection_manager_parent_class)->constructed (object);

  if (mcp_sse_http_core_get_session (self->core) == NULL)
    mcp_sse_http_core_set_session (self->core, NULL);
}

static void
mcp_sse_connection_manager_dispose (GObject *object)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  /* Closes without a word: nobody is listening any more. A start in
   * progress holds a reference, so only a connection that is up gets
   * here; the read pending on it frees it. */
  if (self->channel != NULL)
    {
      mcp_sse_sse_channel_close (g_steal_pointer (&self->channel));
      g_clear_pointer (&self->endpoint, g_free);
      g_clear_pointer (&self->endpoint_uri, g_uri_unref);
      self->state = MCP_SSE_CONNECTION_STATE_CLOSED;
    }

  G_OBJECT_CLASS (mcp_sse_connection_manager_parent_class)->dispose (object);
}

static void
mcp_sse_connection_manager_finalize (GObject *object)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  g_clear_pointer (&self->core, mcp_sse_http_core_unref);
  g_clear_pointer (&self->endpoint_uri, g_uri_unref);
  g_free (self->endpoint);

  G_OBJECT_CLASS (mcp_sse_connection_manager_parent_class)->finalize (object);
}

static void
mcp_sse_connection_manager_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, mcp_sse_http_core_get_url (self->core));
      break;

    case PROP_TIMEOUT:
      g_value_set_double (value, mcp_sse_http_core_get_timeout (self->core));
      break;

    case PROP_SSE_READ_TIMEOUT:
      g_value_set_double (value, self->sse_read_timeout);
      break;

    case PROP_SESSION:
      g_value_set_object (value, mcp_sse_http_core_get_session (self->core));
      break;

    case PROP_AUTH:
      g_value_set_object (value, mcp_sse_http_core_get_auth (self->core));
      break;

    case PROP_AUTHORIZER:
      g_value_set_object (value, mcp_sse_http_core_get_authorizer (self->core));
      break;

    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;

    case PROP_MAX_EVENT_SIZE:
      g_value_set_uint64 (value, self->max_event_size);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PROTOCOL_VERSION:
      g_value_set_string (value, mcp_sse_http_core_get_protocol_version (self->core));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_connection_manager_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  McpSseConnectionManager *self = MCP_SSE_CONNECTION_MANAGER (object);

  switch (prop_id)
    {
    case PROP_URL:
      mcp_sse_http_core_set_url (self->core, g_value_get_string (value));
      break;

    case PROP_TIMEOUT:
      mcp_sse_connection_manager_set_timeout (self, g_value_get_double (value));
      break;

    case PROP_SSE_READ_TIMEOUT:
      mcp_sse_connection_manager_set_sse_read_timeout (self, g_value_get_double (value));
      break;

    case PROP_SESSION:
      if (g_value_get_object (value) != NULL)
        mcp_sse_http_core_set_session (self->core, g_value_get_object (value));
      break;

    case PROP_AUTH:
      mcp_sse_connection_manager_set_auth (self, g_value_get_object (value));
      break;

    case PROP_AUTHORIZER:
      mcp_sse_connection_manager_set_authorizer (self, g_value_get_object (value));
      break;

    case PROP_MAX_EVENT_SIZE:
      mcp_sse_connection_manager_set_max_event_size (self, g_value_get_uint64 (value));
      break;

    case PROP_PROTOCOL_VERSION:
      mcp_sse_connection_manager_set_protocol_version (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_connection_manager_class_init (McpSseConnectionManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mcp_sse_connection_manager_constructed;
  object_class->dispose = mcp_sse_connection_manager_dispose;
  object_class->finalize = mcp_sse_connection_manager_finalize;
  object_class->get_property = mcp_sse_connection_manager_get_property;
  object_class->set_property = mcp_sse_connection_manager_set_property;

  /**
   * McpSseConnectionManager:url:
   *
   * The URL of the server's event stream, e.g. `http://127.0.0.1:3001/sse`.
   * Only absolute http and https URLs can be started.
   *
   * Since: 1.0
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:timeout:
   *
   * The deadline in seconds of connecting (the connection, the answer's
   * headers and the endpoint event together) and of every POST; 0 means
   * none. A change applies from the next operation.
   *
   * Since: 1.0
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:sse-read-timeout:
   *
   * How long in seconds the stream may stay silent before the connection
   * is closed with %MCP_SSE_ERROR_READ_TIMEOUT; 0 means for ever. The
   * timer starts when the answer's headers arrive and restarts on every
   * byte, comments included. A change applies from the next byte.
   *
   * Since: 1.0
   */
  properties[PROP_SSE_READ_TIMEOUT] =
    g_param_spec_double ("sse-read-timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:session:
   *
   * The HTTP session of the manager. When none is given at construction
   * the manager makes its own; a given session is used as it is (see the
   * class description for what it needs).
   *
   * Since: 1.0
   */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:auth:
   *
   * Credentials for the server: the value of
   * soup_auth_get_authorization() is sent as `Authorization` on the GET
   * and on every POST, which all go to the origin of the URL. Any
   * [class@Soup.Auth] works, an application's own subclass included (for
   * instance for a bearer token).
   *
   * Since: 1.0
   */
  properties[PROP_AUTH] =
    g_param_spec_object ("auth", NULL, NULL,
                         SOUP_TYPE_AUTH,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:authorizer:
   *
   * Gives every request to the origin of the URL (the GET and every POST)
   * its credentials, and judges the 401 and 403 answers: see
   * [iface@Authorizer]. It takes precedence over
   * [property@ConnectionManager:auth], which takes precedence over an
   * `Authorization` header set with [method@ConnectionManager.set_header],
   * which takes precedence over user info in the URL (sent as
   * `Authorization: Basic`). A change applies from the next request.
   *
   * Since: 1.2
   */
  properties[PROP_AUTHORIZER] =
    g_param_spec_object ("authorizer", NULL, NULL,
                         MCP_SSE_TYPE_AUTHORIZER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:endpoint:
   *
   * The absolute URI that messages are POSTed to, from the server's
   * `endpoint` event; %NULL unless connected.
   *
   * Since: 1.0
   */
  properties[PROP_ENDPOINT] =
    g_param_spec_string ("endpoint", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseConnectionManager:max-event-size:
   *
   * The largest event the manager accepts, in bytes; 0 means no limit.
   * A larger event is dropped and reported on [signal@Transport::error]
   * with %MCP_SSE_ERROR_EVENT_TOO_LARGE; the stream goes on.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_EVENT_SIZE] =
    g_param_spec_uint64 ("max-event-size", NULL, NULL,
                         0, G_MAXUINT64, MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, PROP_STATE, properties);

  g_object_class_override_property (object_class, PROP_STATE, "state");
  properties[PROP_STATE] = g_object_class_find_property (object_class, "state");
  g_object_class_override_property (object_class, PROP_PROTOCOL_VERSION, "protocol-version");
  properties[PROP_PROTOCOL_VERSION] = g_object_class_find_property (object_class, "protocol-version");

  /**
   * McpSseConnectionManager::event:
   * @self: the manager
   * @event: the event
   *
   * Emitted for every event on the stream, before it is interpreted:
   * `endpoint`, `message` and event types the manager does not know. A
   * handler may keep @event (a binding keeps its own reference).
   *
   * Since: 1.0
   */
  signals[EVENT] =
    g_signal_new ("event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  MCP_SSE_TYPE_EVENT);
  g_signal_set_va_marshaller (signals[EVENT],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  transport_message_signal = g_signal_lookup ("message", MCP_SSE_TYPE_TRANSPORT);
  transport_error_signal = g_signal_lookup ("error", MCP_SSE_TYPE_TRANSPORT);
  transport_closed_signal = g_signal_lookup ("closed", MCP_SSE_TYPE_TRANSPORT);
}

static void
mcp_sse_connection_manager_init (McpSseConnectionManager *self)
{
  self->core = mcp_sse_http_core_new ();
  mcp_sse_http_core_set_timeout (self->core, MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT);
  self->sse_read_timeout = MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT;
  self->max_event_size = MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE;
  self->state = MCP_SSE_CONNECTION_STATE_DISCONNECTED;
}

/* Public API */

/**
 * mcp_sse_connection_manager_new:
 * @url: the URL of the server's event stream
 *
 * Creates a manager for @url with the default timeouts and its own
 * session. Nothing happens on the network before
 * [method@ConnectionManager.start_async].
 *
 * Returns: (transfer full): a new manager
 *
 * Since: 1.0
 */
McpSseConnectionManager *
mcp_sse_connection_manager_new (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return g_object_new (MCP_SSE_TYPE_CONNECTION_MANAGER, "url", url, NULL);
}

static void
set_header_from_table (gpointer key,
                       gpointer value,
                       gpointer user_data)
{
  mcp_sse_connection_manager_set_header (user_data, key, value);
}

/**
 * mcp_sse_connection_manager_new_full:
 * @url: the URL of the server's event stream
 * @headers: (nullable) (element-type utf8 utf8): headers to send on the GET
 *   and on every POST
 * @timeout: the deadline of connecting and of every POST, in seconds; 0 for none
 * @sse_read_timeout: how long the stream may stay silent, in seconds; 0 for ever
 * @session: (nullable): the HTTP session to use, or %NULL for one of its own
 *
 * Creates a manager with every setting of mcp-use's `SseConnectionManager`.
 *
 * Returns: (transfer full): a new manager
 *
 * Since: 1.0
 */
McpSseConnectionManager *
mcp_sse_connection_manager_new_full (const char  *url,
                                     GHashTable  *headers,
                                     double       timeout,
                                     double       sse_read_timeout,
                                     SoupSession *session)
{
  McpSseConnectionManager *self;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (timeout >= 0, NULL);
  g_return_val_if_fail (sse_read_timeout >= 0, NULL);
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);

  self = g_object_new (MCP_SSE_TYPE_CONNECTION_MANAGER,
                       "url", url,
                       "timeout", timeout,
                       "sse-read-timeout", sse_read_timeout,
                       "session", session,
                       NULL);
  if (headers != NULL)
    g_hash_table_foreach (headers, set_header_from_table, self);

  return self;
}

static gboolean
is_token (const char *name)
{
  static const char separators[] = "()<>@,;:\\\"/[]?={} \t";
  const char *p;

  if (*name == '\0')
    return FALSE;

  for (p = name; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f || strchr (separators, *p) != NULL)
      return FALSE;

  return TRUE;
}

/**
 * mcp_sse_connection_manager_set_header:
 * @self: a manager
 * @name: the header name, an HTTP token
 * @value: (nullable): the value, or %NULL to remove the header
 *
 * Adds or replaces a header sent on the GET and on every later POST.
 * Names are compared case-insensitively. The value must not contain CR
 * or LF.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_header (McpSseConnectionManager *self,
                                       const char              *name,
                                       const char              *value)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (name != NULL && is_token (name));
  g_return_if_fail (value == NULL || strpbrk (value, "\r\n") == NULL);

  mcp_sse_http_core_set_header (self->core, name, value);
}

/**
 * mcp_sse_connection_manager_start_async:
 * @self: a manager
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called once the endpoint is accepted or the
 *   start failed
 * @user_data: data for @callback
 *
 * Opens the event stream: GETs the URL with `Accept: text/event-stream`,
 * requires a 2xx answer of type `text/event-stream`, waits for the
 * `endpoint` event, resolves it against the URL and requires it to be on
 * the same origin. [property@ConnectionManager:timeout] bounds all of it.
 *
 * Starting again after the connection closed opens a new connection;
 * starting while connecting or connected fails with %G_IO_ERROR_PENDING.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_start_async (McpSseConnectionManager *self,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data)
{
  mcp_sse_transport_start_async (MCP_SSE_TRANSPORT (self), cancellable, callback, user_data);
}

/**
 * mcp_sse_connection_manager_start_finish:
 * @self: a manager
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@ConnectionManager.start_async].
 *
 * Returns: %TRUE when connected, %FALSE with @error set otherwise
 *
 * Since: 1.0
 */
gboolean
mcp_sse_connection_manager_start_finish (McpSseConnectionManager  *self,
                                         GAsyncResult             *result,
                                         GError                  **error)
{
  return mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (self), result, error);
}

/**
 * mcp_sse_connection_manager_send_async:
 * @self: a manager
 * @message: a JSON-RPC message; the caller keeps its reference
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the server answered the POST
 * @user_data: data for @callback
 *
 * POSTs @message to the endpoint as `application/json`. Any 2xx answer is
 * success, as soon as its headers arrive; the response to a request
 * arrives later on the stream. A failed POST fails only this send, and
 * [func@ErrorDetails.dup_for_result] gives the status and the first
 * 64 KiB of the body of the answer that failed it.
 *
 * [property@ConnectionManager:timeout] bounds it, time spent waiting for
 * a connection included. Sends run concurrently up to the session's
 * connections per host, less the one the event stream holds; the others
 * wait in order, and a send that times out while waiting is never sent.
 * When 10,000 sends are already waiting, it fails at once with
 * %G_IO_ERROR_BUSY.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_send_async (McpSseConnectionManager *self,
                                       JsonNode                *message,
                                       GCancellable            *cancellable,
                                       GAsyncReadyCallback      callback,
                                       gpointer                 user_data)
{
  mcp_sse_transport_send_async (MCP_SSE_TRANSPORT (self), message, cancellable, callback, user_data);
}

/**
 * mcp_sse_connection_manager_send_finish:
 * @self: a manager
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@ConnectionManager.send_async].
 *
 * Returns: %TRUE when the server accepted the message
 *
 * Since: 1.0
 */
gboolean
mcp_sse_connection_manager_send_finish (McpSseConnectionManager  *self,
                                        GAsyncResult             *result,
                                        GError                  **error)
{
  return mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (self), result, error);
}

/**
 * mcp_sse_connection_manager_stop:
 * @self: a manager
 *
 * Closes the connection at once. It never blocks, may be called from any
 * signal handler, and does nothing when the manager is not connecting or
 * connected.
 *
 * Before it returns the state is %MCP_SSE_CONNECTION_STATE_CLOSED and, if
 * the manager was connected, [signal@Transport::closed] was emitted with
 * a %NULL error. A start in progress fails with %G_IO_ERROR_CANCELLED, and
 * so do the sends in flight; their callbacks run after this returns.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_stop (McpSseConnectionManager *self)
{
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (self));
}

/**
 * mcp_sse_connection_manager_get_url:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:url].
 *
 * Returns: the URL of the event stream
 *
 * Since: 1.0
 */
const char *
mcp_sse_connection_manager_get_url (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return mcp_sse_http_core_get_url (self->core);
}

/**
 * mcp_sse_connection_manager_get_endpoint:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:endpoint].
 *
 * Returns: (nullable): the absolute URI messages are POSTed to, or %NULL
 *   when not connected
 *
 * Since: 1.0
 */
const char *
mcp_sse_connection_manager_get_endpoint (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return self->endpoint;
}

/**
 * mcp_sse_connection_manager_get_state:
 * @self: a manager
 *
 * Gets [property@Transport:state].
 *
 * Returns: the state of the connection
 *
 * Since: 1.0
 */
McpSseConnectionState
mcp_sse_connection_manager_get_state (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), MCP_SSE_CONNECTION_STATE_CLOSED);

  return self->state;
}

/**
 * mcp_sse_connection_manager_get_session:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:session].
 *
 * Returns: (transfer none): the HTTP session
 *
 * Since: 1.0
 */
SoupSession *
mcp_sse_connection_manager_get_session (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return mcp_sse_http_core_get_session (self->core);
}

/**
 * mcp_sse_connection_manager_get_timeout:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:timeout].
 *
 * Returns: the deadline of connecting and of every POST, in seconds
 *
 * Since: 1.0
 */
double
mcp_sse_connection_manager_get_timeout (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), 0);

  return mcp_sse_http_core_get_timeout (self->core);
}

/**
 * mcp_sse_connection_manager_set_timeout:
 * @self: a manager
 * @timeout: the deadline in seconds, 0 for none
 *
 * Sets [property@ConnectionManager:timeout].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_timeout (McpSseConnectionManager *self,
                                        double                   timeout)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (timeout >= 0);

  if (mcp_sse_http_core_set_timeout (self->core, timeout))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * mcp_sse_connection_manager_get_sse_read_timeout:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:sse-read-timeout].
 *
 * Returns: how long the stream may stay silent, in seconds
 *
 * Since: 1.0
 */
double
mcp_sse_connection_manager_get_sse_read_timeout (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), 0);

  return self->sse_read_timeout;
}

/**
 * mcp_sse_connection_manager_set_sse_read_timeout:
 * @self: a manager
 * @sse_read_timeout: the longest silence in seconds, 0 for no limit
 *
 * Sets [property@ConnectionManager:sse-read-timeout].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_sse_read_timeout (McpSseConnectionManager *self,
                                                 double                   sse_read_timeout)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (sse_read_timeout >= 0);

  if (self->sse_read_timeout == sse_read_timeout)
    return;

  self->sse_read_timeout = sse_read_timeout;
  if (self->channel != NULL)
    mcp_sse_sse_channel_set_read_timeout (self->channel, sse_read_timeout);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SSE_READ_TIMEOUT]);
}

/**
 * mcp_sse_connection_manager_get_max_event_size:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:max-event-size].
 *
 * Returns: the largest event in bytes, 0 for no limit
 *
 * Since: 1.0
 */
guint64
mcp_sse_connection_manager_get_max_event_size (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), 0);

  return self->max_event_size;
}

/**
 * mcp_sse_connection_manager_set_max_event_size:
 * @self: a manager
 * @max_event_size: the largest event in bytes, 0 for no limit
 *
 * Sets [property@ConnectionManager:max-event-size].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_max_event_size (McpSseConnectionManager *self,
                                               guint64                  max_event_size)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));

  if (self->max_event_size == max_event_size)
    return;

  self->max_event_size = max_event_size;
  if (self->channel != NULL)
    mcp_sse_sse_channel_set_max_event_size (self->channel, max_event_size);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_EVENT_SIZE]);
}

/**
 * mcp_sse_connection_manager_get_auth:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:auth].
 *
 * Returns: (transfer none) (nullable): the credentials, or %NULL
 *
 * Since: 1.0
 */
SoupAuth *
mcp_sse_connection_manager_get_auth (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return mcp_sse_http_core_get_auth (self->core);
}

/**
 * mcp_sse_connection_manager_set_auth:
 * @self: a manager
 * @auth: (nullable): the credentials, or %NULL for none
 *
 * Sets [property@ConnectionManager:auth].
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_auth (McpSseConnectionManager *self,
                                     SoupAuth                *auth)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (auth == NULL || SOUP_IS_AUTH (auth));

  if (mcp_sse_http_core_set_auth (self->core, auth))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTH]);
}

/**
 * mcp_sse_connection_manager_get_protocol_version:
 * @self: a manager
 *
 * Gets [property@Transport:protocol-version].
 *
 * Returns: (nullable): the MCP protocol version sent on every POST, or %NULL
 *
 * Since: 1.0
 */
const char *
mcp_sse_connection_manager_get_protocol_version (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return mcp_sse_http_core_get_protocol_version (self->core);
}

/**
 * mcp_sse_connection_manager_set_protocol_version:
 * @self: a manager
 * @protocol_version: (nullable): the MCP protocol version, or %NULL for none
 *
 * Sets [property@Transport:protocol-version]: every later POST carries it
 * as `MCP-Protocol-Version`.
 *
 * Since: 1.0
 */
void
mcp_sse_connection_manager_set_protocol_version (McpSseConnectionManager *self,
                                                 const char              *protocol_version)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (protocol_version == NULL || strpbrk (protocol_version, "\r\n") == NULL);

  if (mcp_sse_http_core_set_protocol_version (self->core, protocol_version))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_VERSION]);
}

/**
 * mcp_sse_connection_manager_get_authorizer:
 * @self: a manager
 *
 * Gets [property@ConnectionManager:authorizer].
 *
 * Returns: (transfer none) (nullable): the authorizer, or %NULL
 *
 * Since: 1.2
 */
McpSseAuthorizer *
mcp_sse_connection_manager_get_authorizer (McpSseConnectionManager *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self), NULL);

  return mcp_sse_http_core_get_authorizer (self->core);
}

/**
 * mcp_sse_connection_manager_set_authorizer:
 * @self: a manager
 * @authorizer: (nullable): the authorizer, or %NULL for none
 *
 * Sets [property@ConnectionManager:authorizer].
 *
 * Since: 1.2
 */
void
mcp_sse_connection_manager_set_authorizer (McpSseConnectionManager *self,
                                           McpSseAuthorizer        *authorizer)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (authorizer == NULL || MCP_SSE_IS_AUTHORIZER (authorizer));

  if (mcp_sse_http_core_set_authorizer (self->core, authorizer))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZER]);
}

/**
 * mcp_sse_connection_manager_set_secret_header:
 * @self: a manager
 * @name: the header name, an HTTP token
 * @value: (nullable): the value, or %NULL to remove the header
 *
 * Sets a header like [method@ConnectionManager.set_header], and marks
 * its name as secret: from now on its value is masked in the debug
 * output of the manager (`MCP_SSE_DEBUG`), as the values of
 * `Authorization`, `Cookie` and `X-Api-Key` always are. Use it for API
 * keys and tokens sent under other names. The mark stays when the header
 * is removed or set again with [method@ConnectionManager.set_header].
 *
 * Since: 1.2
 */
void
mcp_sse_connection_manager_set_secret_header (McpSseConnectionManager *self,
                                              const char              *name,
                                              const char              *value)
{
  g_return_if_fail (MCP_SSE_IS_CONNECTION_MANAGER (self));
  g_return_if_fail (name != NULL && is_token (name));
  g_return_if_fail (value == NULL || strpbrk (value, "\r\n") == NULL);

  mcp_sse_http_core_set_secret_header (self->core, name, value);
}
