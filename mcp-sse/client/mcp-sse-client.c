/* mcp-sse-client.c: an MCP client session over one transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client-private.h"
#include "mcp-sse-connection-manager.h"
#include "mcp-sse-marshal.h"
#include "mcp-sse-message-private.h"

/**
 * McpSseClient:
 *
 * A JSON-RPC 2.0 session with an MCP server over one [iface@Transport].
 *
 * [method@Client.connect_async] starts the transport if needed and runs the
 * MCP handshake: `initialize`, offering the newest protocol version the
 * client supports, then `notifications/initialized`. Afterwards
 * [method@Client.request_async] and its convenience wrappers
 * ([method@Client.call_tool_async], [method@Client.list_tools_async], ...)
 * send requests and complete with the `result` of the response, or with a
 * [error@JsonrpcError] that keeps the server's `code`, `message` and
 * `data`.
 *
 * ```c
 * static void
 * on_tool_called (GObject      *source,
 *                 GAsyncResult *result,
 *                 gpointer      user_data)
 * {
 *   g_autoptr(JsonNode) answer = NULL;
 *   g_autoptr(GError) error = NULL;
 *   g_autofree char *text = NULL;
 *
 *   answer = mcp_sse_client_call_tool_finish (MCP_SSE_CLIENT (source), result, &error);
 *   if (answer == NULL)
 *     {
 *       g_printerr ("echo failed: %s\n", error->message);
 *       return;
 *     }
 *
 *   text = json_to_string (answer, TRUE);
 *   g_print ("%s\n", text);
 * }
 *
 * static void
 * on_connected (GObject      *source,
 *               GAsyncResult *result,
 *               gpointer      user_data)
 * {
 *   McpSseClient *client = MCP_SSE_CLIENT (source);
 *   g_autoptr(JsonNode) arguments = json_from_string ("{\"message\": \"hi\"}", NULL);
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!mcp_sse_client_connect_finish (client, result, &error))
 *     {
 *       g_printerr ("cannot connect: %s\n", error->message);
 *       return;
 *     }
 *
 *   mcp_sse_client_call_tool_async (client, "echo", arguments, NULL,
 *                                   on_tool_called, NULL);
 * }
 *
 * client = mcp_sse_client_new_for_url ("http://127.0.0.1:3001/sse");
 * mcp_sse_client_connect_async (client, NULL, on_connected, NULL);
 * ```
 *
 * What the server sends on its own arrives on
 * [signal@Client::notification] (detailed by method),
 * [signal@Client::progress] and [signal@Client::request]; the client
 * answers `ping` itself. Messages it cannot make sense of, such as a
 * response to no request, are reported on [signal@Client::error]; problems
 * of the connection itself are reported by the transport.
 *
 * The client's own request ids are integers counting up from 1; a response
 * matches a request only when its id is the same JSON integer (`"1"` does
 * not match `1`).
 *
 * A client is used from the thread whose thread-default main context was
 * current when it was created; its signals are emitted and its timeouts
 * run there. An operation in flight keeps the client alive until it
 * completes.
 *
 * Since: 1.0
 */

enum {
  PROP_0,
  PROP_TRANSPORT,
  PROP_PROTOCOL_VERSION,
  PROP_SERVER_INFO,
  PROP_SERVER_CAPABILITIES,
  PROP_INSTRUCTIONS,
  PROP_REQUEST_TIMEOUT,
  PROP_CLIENT_INFO,
  PROP_CAPABILITIES,
  N_PROPS
};

enum {
  NOTIFICATION,
  REQUEST,
  PROGRESS,
  ERROR,
  CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (McpSseClient, mcp_sse_client, G_TYPE_OBJECT)

/* Signals and properties the other files change */

/* Takes @error. */
void
mcp_sse_client_emit_error (McpSseClient *self,
                           GError       *error)
{
  g_signal_emit (self, signals[ERROR], 0, error);
  g_error_free (error);
}

void
mcp_sse_client_emit_notification (McpSseClient *self,
                                  const char   *method,
                                  JsonNode     *params)
{
  /* g_quark_try_string(): server-chosen names never grow the quark table;
   * a name nobody connected to by detail gets detail 0. */
  g_signal_emit (self, signals[NOTIFICATION], g_quark_try_string (method), method, params);
}

/* Returns TRUE when a handler took the request on. */
gboolean
mcp_sse_client_emit_request (McpSseClient *self,
                             const char   *method,
                             JsonNode     *id,
                             JsonNode     *params)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[REQUEST], g_quark_try_string (method), method, id, params, &handled);
  return handled;
}

void
mcp_sse_client_emit_progress (McpSseClient *self,
                              JsonNode     *token,
                              double        progress,
                              double        total,
                              const char   *message)
{
  g_signal_emit (self, signals[PROGRESS], 0, token, progress, total, message);
}

void
mcp_sse_client_emit_closed (McpSseClient *self,
                            const GError *error)
{
  g_signal_emit (self, signals[CLOSED], 0, error);
}

gboolean
mcp_sse_client_watches_progress (McpSseClient *self)
{
  return g_signal_has_handler_pending (self, signals[PROGRESS], 0, TRUE);
}

/* Stores what the server said of itself in its answer to initialize. */
void
mcp_sse_client_set_server_details (McpSseClient *self,
                                   const char   *protocol_version,
                                   JsonNode     *server_info,
                                   JsonNode     *server_capabilities,
                                   const char   *instructions)
{
  g_object_freeze_notify (G_OBJECT (self));

  g_free (self->protocol_version);
  self->protocol_version = g_strdup (protocol_version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_VERSION]);

  g_clear_pointer (&self->server_info, json_node_unref);
  self->server_info = server_info != NULL ? json_node_copy (server_info) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_INFO]);

  g_clear_pointer (&self->server_capabilities, json_node_unref);
  self->server_capabilities = server_capabilities != NULL ? json_node_copy (server_capabilities) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_CAPABILITIES]);

  g_free (self->instructions);
  self->instructions = g_strdup (instructions);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTRUCTIONS]);

  g_object_thaw_notify (G_OBJECT (self));
}

/* Accessors */

/**
 * mcp_sse_client_get_transport:
 * @self: a client
 *
 * Gets [property@Client:transport]. It is %NULL only for a client made
 * with g_object_new() without one, which can do nothing but fail.
 *
 * Returns: (transfer none): the transport
 *
 * Since: 1.0
 */
McpSseTransport *
mcp_sse_client_get_transport (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->transport;
}

/**
 * mcp_sse_client_get_protocol_version:
 * @self: a client
 *
 * Gets [property@Client:protocol-version].
 *
 * Returns: (nullable): the protocol version agreed with the server, or
 *   %NULL before the first connection
 *
 * Since: 1.0
 */
const char *
mcp_sse_client_get_protocol_version (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->protocol_version;
}

/**
 * mcp_sse_client_get_server_info:
 * @self: a client
 *
 * Gets [property@Client:server-info].
 *
 * Returns: (transfer none) (nullable): the server's `serverInfo`, or %NULL
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_server_info (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->server_info;
}

/**
 * mcp_sse_client_get_server_capabilities:
 * @self: a client
 *
 * Gets [property@Client:server-capabilities].
 *
 * Returns: (transfer none) (nullable): the server's `capabilities`, or %NULL
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_server_capabilities (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->server_capabilities;
}

/**
 * mcp_sse_client_get_instructions:
 * @self: a client
 *
 * Gets [property@Client:instructions].
 *
 * Returns: (nullable): the server's instructions, or %NULL
 *
 * Since: 1.0
 */
const char *
mcp_sse_client_get_instructions (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->instructions;
}

/**
 * mcp_sse_client_get_request_timeout:
 * @self: a client
 *
 * Gets [property@Client:request-timeout].
 *
 * Returns: the deadline of a request in seconds, 0 for none
 *
 * Since: 1.0
 */
double
mcp_sse_client_get_request_timeout (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), 0);

  return self->request_timeout;
}

/**
 * mcp_sse_client_set_request_timeout:
 * @self: a client
 * @request_timeout: the deadline of a request in seconds, 0 for none
 *
 * Sets [property@Client:request-timeout]. Negative values are refused.
 *
 * Since: 1.0
 */
void
mcp_sse_client_set_request_timeout (McpSseClient *self,
                                    double        request_timeout)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (request_timeout >= 0);

  if (self->request_timeout == request_timeout)
    return;

  self->request_timeout = request_timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_TIMEOUT]);
}

static JsonNode *
default_client_info (void)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", "mcp-sse");
  json_object_set_string_member (object, "version", PACKAGE_VERSION);
  return mcp_sse_json_object_node (object);
}

/**
 * mcp_sse_client_get_client_info:
 * @self: a client
 *
 * Gets [property@Client:client-info].
 *
 * Returns: (transfer none): the `clientInfo` sent with `initialize`
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_client_info (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->client_info;
}

/**
 * mcp_sse_client_set_client_info:
 * @self: a client
 * @client_info: (nullable): an object with at least `name` and `version`,
 *   or %NULL for the default
 *
 * Sets [property@Client:client-info].
 *
 * Since: 1.0
 */
void
mcp_sse_client_set_client_info (McpSseClient *self,
                                JsonNode     *client_info)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (client_info == NULL || JSON_NODE_HOLDS_OBJECT (client_info));

  json_node_unref (self->client_info);
  self->client_info = client_info != NULL ? json_node_copy (client_info) : default_client_info ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_INFO]);
}

/**
 * mcp_sse_client_get_capabilities:
 * @self: a client
 *
 * Gets [property@Client:capabilities].
 *
 * Returns: (transfer none): the `capabilities` sent with `initialize`
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_client_get_capabilities (McpSseClient *self)
{
  g_return_val_if_fail (MCP_SSE_IS_CLIENT (self), NULL);

  return self->capabilities;
}

/**
 * mcp_sse_client_set_capabilities:
 * @self: a client
 * @capabilities: (nullable): an object, or %NULL for `{}`
 *
 * Sets [property@Client:capabilities].
 *
 * Since: 1.0
 */
void
mcp_sse_client_set_capabilities (McpSseClient *self,
                                 JsonNode     *capabilities)
{
  g_return_if_fail (MCP_SSE_IS_CLIENT (self));
  g_return_if_fail (capabilities == NULL || JSON_NODE_HOLDS_OBJECT (capabilities));

  json_node_unref (self->capabilities);
  self->capabilities = capabilities != NULL ? json_node_copy (capabilities)
                                            : mcp_sse_json_empty_object ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPABILITIES]);
}

/* Construction */

/**
 * mcp_sse_client_new:
 * @transport: the transport to the server
 *
 * Creates a client that talks to a server over @transport. The client
 * keeps a reference on it.
 *
 * Returns: (transfer full): a new client
 *
 * Since: 1.0
 */
McpSseClient *
mcp_sse_client_new (McpSseTransport *transport)
{
  g_return_val_if_fail (MCP_SSE_IS_TRANSPORT (transport), NULL);

  return g_object_new (MCP_SSE_TYPE_CLIENT, "transport", transport, NULL);
}

/**
 * mcp_sse_client_new_for_url:
 * @url: the URL of the server's SSE endpoint, such as `http://127.0.0.1:3001/sse`
 *
 * Creates a client over a new [class@ConnectionManager] for @url with
 * the default settings.
 *
 * Returns: (transfer full): a new client
 *
 * Since: 1.0
 */
McpSseClient *
mcp_sse_client_new_for_url (const char *url)
{
  g_autoptr(McpSseConnectionManager) manager = NULL;

  g_return_val_if_fail (url != NULL, NULL);

  manager = mcp_sse_connection_manager_new (url);
  return mcp_sse_client_new (MCP_SSE_TRANSPORT (manager));
}

static void
mcp_sse_client_constructed (GObject *object)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  G_OBJECT_CLASS (mcp_sse_client_parent_class)->constructed (object);

  /* Made without a transport (g_object_new(), a binding's constructor):
   * every operation fails with G_IO_ERROR_NOT_INITIALIZED. */
  if (self->transport == NULL)
    return;

  g_signal_connect (self->transport, "message", G_CALLBACK (mcp_sse_client_on_transport_message), self);
  g_signal_connect (self->transport, "closed", G_CALLBACK (mcp_sse_client_on_transport_closed), self);
}

static void
mcp_sse_client_dispose (GObject *object)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  /* Requests and connects in flight hold a reference, so only
   * g_object_run_dispose() finds any here. */
  if (self->connect_task != NULL)
    mcp_sse_client_cancel_connect (self, "The client was disposed");

  if (self->transport != NULL)
    g_signal_handlers_disconnect_by_data (self->transport, self);

  if (mcp_sse_request_table_has_pending (self->requests))
    {
      g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     "The client was disposed");
      mcp_sse_request_table_fail_all (self->requests, error);
    }
  mcp_sse_request_table_clear_incoming (self->requests);

  G_OBJECT_CLASS (mcp_sse_client_parent_class)->dispose (object);
}

static void
mcp_sse_client_finalize (GObject *object)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  g_clear_object (&self->transport);
  g_main_context_unref (self->context);
  mcp_sse_request_table_free (self->requests);
  g_free (self->protocol_version);
  g_clear_pointer (&self->server_info, json_node_unref);
  g_clear_pointer (&self->server_capabilities, json_node_unref);
  g_free (self->instructions);
  json_node_unref (self->client_info);
  json_node_unref (self->capabilities);

  G_OBJECT_CLASS (mcp_sse_client_parent_class)->finalize (object);
}

static void
mcp_sse_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      g_value_set_object (value, self->transport);
      break;

    case PROP_PROTOCOL_VERSION:
      g_value_set_string (value, self->protocol_version);
      break;

    case PROP_SERVER_INFO:
      g_value_set_boxed (value, self->server_info);
      break;

    case PROP_SERVER_CAPABILITIES:
      g_value_set_boxed (value, self->server_capabilities);
      break;

    case PROP_INSTRUCTIONS:
      g_value_set_string (value, self->instructions);
      break;

    case PROP_REQUEST_TIMEOUT:
      g_value_set_double (value, self->request_timeout);
      break;

    case PROP_CLIENT_INFO:
      g_value_set_boxed (value, self->client_info);
      break;

    case PROP_CAPABILITIES:
      g_value_set_boxed (value, self->capabilities);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  McpSseClient *self = MCP_SSE_CLIENT (object);

  switch (prop_id)
    {
    case PROP_TRANSPORT:
      self->transport = g_value_dup_object (value);
      break;

    case PROP_REQUEST_TIMEOUT:
      mcp_sse_client_set_request_timeout (self, g_value_get_double (value));
      break;

    case PROP_CLIENT_INFO:
      mcp_sse_client_set_client_info (self, g_value_get_boxed (value));
      break;

    case PROP_CAPABILITIES:
      mcp_sse_client_set_capabilities (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_client_class_init (McpSseClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mcp_sse_client_constructed;
  object_class->dispose = mcp_sse_client_dispose;
  object_class->finalize = mcp_sse_client_finalize;
  object_class->get_property = mcp_sse_client_get_property;
  object_class->set_property = mcp_sse_client_set_property;

  /**
   * McpSseClient:transport:
   *
   * The transport to the server. A client needs one: without it (when
   * made with g_object_new() and no transport) every operation fails with
   * %G_IO_ERROR_NOT_INITIALIZED.
   *
   * Since: 1.0
   */
  properties[PROP_TRANSPORT] =
    g_param_spec_object ("transport", NULL, NULL,
                         MCP_SSE_TYPE_TRANSPORT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:protocol-version:
   *
   * The MCP protocol version agreed with the server by the last successful
   * [method@Client.connect_async], or %NULL before it.
   *
   * Since: 1.0
   */
  properties[PROP_PROTOCOL_VERSION] =
    g_param_spec_string ("protocol-version", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:server-info:
   *
   * The `serverInfo` the server sent in its answer to `initialize`
   * (`name`, `version`, ...), or %NULL before the first connection.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_INFO] =
    g_param_spec_boxed ("server-info", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:server-capabilities:
   *
   * The `capabilities` the server sent in its answer to `initialize`, or
   * %NULL before the first connection.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_CAPABILITIES] =
    g_param_spec_boxed ("server-capabilities", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:instructions:
   *
   * The `instructions` the server sent in its answer to `initialize`, a
   * hint for the model on how to use it, or %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_INSTRUCTIONS] =
    g_param_spec_string ("instructions", NULL, NULL,
                         NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:request-timeout:
   *
   * How long, in seconds, a request waits for its response before it fails
   * with %MCP_SSE_ERROR_TIMEOUT; it also bounds
   * [method@Client.connect_async]. 0 means no deadline; negative values
   * are refused. A change applies to the requests made afterwards.
   *
   * Since: 1.0
   */
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_double ("request-timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:client-info:
   *
   * The `clientInfo` object sent with `initialize`; by default
   * `{"name": "mcp-sse", "version": <the library version>}`. Applications
   * may name themselves here.
   *
   * Since: 1.0
   */
  properties[PROP_CLIENT_INFO] =
    g_param_spec_boxed ("client-info", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseClient:capabilities:
   *
   * The `capabilities` object sent with `initialize`, `{}` by default.
   * The client cannot know which server-to-client requests the
   * application answers through [signal@Client::request], so the
   * application declares them here, for example
   * `{"roots": {"listChanged": true}, "sampling": {}, "elicitation": {}}`.
   *
   * Since: 1.0
   */
  properties[PROP_CAPABILITIES] =
    g_param_spec_boxed ("capabilities", NULL, NULL,
                        JSON_TYPE_NODE,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * McpSseClient::notification:
   * @self: the client
   * @method: the method of the notification
   * @params: (nullable): its `params`, or %NULL when it had none
   *
   * Emitted for every notification from the server, progress
   * notifications included. The signal is detailed by method, so that
   * `notification::notifications/tools/list_changed` gets only those.
   *
   * Since 1.2, @params may be kept after the handler returned, in every
   * language: a handler receives a node of its own (for an object or an
   * array, one that shares its contents with the message).
   *
   * Since: 1.0
   */
  signals[NOTIFICATION] =
    g_signal_new ("notification",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  NULL, NULL,
                  _mcp_sse_marshal_VOID__STRING_BOXED,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE);
  g_signal_set_va_marshaller (signals[NOTIFICATION],
                              G_TYPE_FROM_CLASS (klass),
                              _mcp_sse_marshal_VOID__STRING_BOXEDv);

  /**
   * McpSseClient::request:
   * @self: the client
   * @method: the method the server calls, such as `roots/list`,
   *   `sampling/createMessage` or `elicitation/create`
   * @id: the id of the request, to pass to [method@Client.reply_async]
   * @params: (nullable): its `params`, or %NULL when it had none
   *
   * Emitted for a request from the server. A handler that takes it on
   * returns %TRUE and answers, now or later, with
   * [method@Client.reply_async] or [method@Client.reply_error_async];
   * a handler that answers later keeps a reference on @id
   * (json_node_ref()). When no handler returns %TRUE the client answers
   * -32601, "Method not found".
   *
   * Since 1.2 the signal is detailed by method, so that
   * `request::roots/list` gets only those, and @id and @params stay valid
   * after the handler returned in every language (a binding keeps them as
   * long as it needs): answering later, from an idle callback or after an
   * asynchronous operation, is the documented pattern.
   *
   * `ping` is answered by the client itself and not emitted. At most 256
   * requests may wait for a reply at once; the server's further requests
   * are answered -32603 without being emitted. The replies the client
   * sends itself (to pings, and those refusals) are bounded too: while 256
   * of them are being sent, further requests of the server are dropped
   * unanswered, which [signal@Client::error] reports once
   * (%MCP_SSE_ERROR_INVALID_MESSAGE) until they drained, so that a flood
   * of requests neither grows memory nor holds up the rest of the traffic.
   *
   * Returns: %TRUE when the request is handled
   *
   * Since: 1.0
   */
  signals[REQUEST] =
    g_signal_new ("request",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  _mcp_sse_marshal_BOOLEAN__STRING_BOXED_BOXED,
                  G_TYPE_BOOLEAN, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE,
                  JSON_TYPE_NODE);
  g_signal_set_va_marshaller (signals[REQUEST],
                              G_TYPE_FROM_CLASS (klass),
                              _mcp_sse_marshal_BOOLEAN__STRING_BOXED_BOXEDv);

  /**
   * McpSseClient::progress:
   * @self: the client
   * @token: the progress token of the request
   * @progress: the progress so far
   * @total: the total, or -1 when the server did not say
   * @message: (nullable): what is going on, or %NULL
   *
   * Emitted for a `notifications/progress` about a request of this
   * client. Only requests made while a handler is connected carry a
   * progress token, so connect before making them; requests whose
   * `params` carry a `_meta.progressToken` of the caller's own, and those
   * made with [method@Client.request_with_progress_async] or
   * [method@Client.call_tool_with_progress_async], report here too.
   *
   * Since 1.2 the token the client adds is an integer of its own,
   * unrelated to the request's JSON-RPC id (before, it was that id); to
   * tell concurrent requests apart, use the per-call forms above. @token
   * may be kept after the handler returned, in every language.
   *
   * Since: 1.0
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  _mcp_sse_marshal_VOID__BOXED_DOUBLE_DOUBLE_STRING,
                  G_TYPE_NONE, 4,
                  JSON_TYPE_NODE,
                  G_TYPE_DOUBLE,
                  G_TYPE_DOUBLE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[PROGRESS],
                              G_TYPE_FROM_CLASS (klass),
                              _mcp_sse_marshal_VOID__BOXED_DOUBLE_DOUBLE_STRINGv);

  /**
   * McpSseClient::error:
   * @self: the client
   * @error: what was wrong
   *
   * Emitted for a message from the server that breaks the protocol, such
   * as a response for no pending request, with
   * %MCP_SSE_ERROR_INVALID_MESSAGE. The session goes on. Problems of the
   * connection are reported by the transport's own
   * [signal@Transport::error].
   *
   * Since: 1.0
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
  g_signal_set_va_marshaller (signals[ERROR],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * McpSseClient::closed:
   * @self: the client
   * @error: (nullable): why the session ended: the reason the transport
   *   gave for closing, or %NULL after [method@Client.stop] (or when the
   *   transport was stopped)
   *
   * Emitted when the session is over and will not recover: exactly once
   * for each successful [method@Client.connect_async], after the requests
   * still waiting for a response failed. A connect that fails is reported
   * by its own error only; dropping the last reference to a connected
   * client emits nothing.
   *
   * A handler may call [method@Client.connect_async] to start a new
   * session.
   *
   * Since: 1.2
   */
  signals[CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR);
  g_signal_set_va_marshaller (signals[CLOSED],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);
}

static void
mcp_sse_client_init (McpSseClient *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->requests = mcp_sse_request_table_new (self->context, mcp_sse_client_send_cancelled, self);
  self->request_timeout = MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT;
  self->client_info = default_client_info ();
  self->capabilities = mcp_sse_json_empty_object ();
}
