/* fake-transport.c: an in-memory McpSseTransport for client tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fake-transport.h"

#include "mcp-sse-error-details-private.h"

struct _FakeTransport
{
  GObject parent_instance;

  McpSseConnectionState state;
  char *protocol_version;

  FakeTransportHandler handler;
  gpointer handler_data;

  gboolean hold_start;
  GTask *start_task;          /* a held start */
  guint n_starts;
  GError *send_error;
  guint send_error_status;
  char *send_error_body;

  gboolean hold_sends;
  GQueue held;                /* Send */
  guint n_in_flight;
  guint peak_in_flight;

  GPtrArray *sent;            /* JsonNode */
  GPtrArray *sent_versions;   /* char *, nullable */
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_PROTOCOL_VERSION,
  N_PROPS
};

static void fake_transport_iface_init (McpSseTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FakeTransport, fake_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_TRANSPORT,
                                                      fake_transport_iface_init))

static void
set_state (FakeTransport         *self,
           McpSseConnectionState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify (G_OBJECT (self), "state");
}

static void
run_in_idle (GSourceFunc func,
             gpointer    data)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, data, g_object_unref);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static gboolean
complete_start_later (gpointer data)
{
  GTask *task = data;
  FakeTransport *self = g_task_get_source_object (task);

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTING && self->start_task == NULL)
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTED);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped while connecting");

  return G_SOURCE_REMOVE;
}

static void
fake_start_async (McpSseTransport     *transport,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTING ||
      self->state == MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "Already started");
      return;
    }

  self->n_starts++;
  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTING);

  if (self->hold_start)
    self->start_task = g_steal_pointer (&task);
  else
    run_in_idle (complete_start_later, g_steal_pointer (&task));
}

static gboolean
fake_start_finish (McpSseTransport  *transport,
                   GAsyncResult     *result,
                   GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  GTask *task;
  JsonNode *message;
} Send;

static void
send_free (gpointer data)
{
  Send *send = data;

  g_clear_object (&send->task);
  json_node_unref (send->message);
  g_free (send);
}

static void
send_fail (FakeTransport *self,
           GTask         *task,
           const GError  *error)
{
  if (self->send_error_status != 0)
    {
      g_autoptr(McpSseErrorDetails) details = mcp_sse_error_details_new ();
      g_autoptr(GBytes) body = g_bytes_new (self->send_error_body, strlen (self->send_error_body));

      mcp_sse_error_details_set_http (details, self->send_error_status, body);
      mcp_sse_error_details_attach (task, details);
    }

  g_task_return_error (task, g_error_copy (error));
}

static void
send_complete (Send         *send,
               const GError *error)
{
  FakeTransport *self = g_task_get_source_object (send->task);

  g_assert_cmpuint (self->n_in_flight, >, 0);
  self->n_in_flight--;

  if (error != NULL)
    {
      send_fail (self, send->task, error);
      return;
    }

  if (self->handler != NULL)
    self->handler (self, send->message, self->handler_data);
  g_task_return_boolean (send->task, TRUE);
}

static gboolean
deliver_later (gpointer data)
{
  Send *send = data;
  FakeTransport *self = g_task_get_source_object (send->task);

  if (self->hold_sends)
    {
      g_queue_push_tail (&self->held, g_steal_pointer (&send->task));
      g_queue_push_tail (&self->held, json_node_ref (send->message));
      return G_SOURCE_REMOVE;
    }

  send_complete (send, NULL);
  return G_SOURCE_REMOVE;
}

static void
fake_send_async (McpSseTransport     *transport,
                 JsonNode            *message,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GSource *source;
  Send *send;

  if (self->state != MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED, "Not connected");
      return;
    }

  if (self->send_error != NULL)
    {
      send_fail (self, task, self->send_error);
      return;
    }

  /* A deep copy through text: what the server would have received. */
  text = json_to_string (message, FALSE);
  send = g_new0 (Send, 1);
  send->task = g_steal_pointer (&task);
  send->message = json_from_string (text, &error);
  g_assert_no_error (error);

  g_ptr_array_add (self->sent, json_node_ref (send->message));
  g_ptr_array_add (self->sent_versions, g_strdup (self->protocol_version));
  self->n_in_flight++;
  self->peak_in_flight = MAX (self->peak_in_flight, self->n_in_flight);

  source = g_idle_source_new ();
  g_source_set_callback (source, deliver_later, send, send_free);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static gboolean
fake_send_finish (McpSseTransport  *transport,
                  GAsyncResult     *result,
                  GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_stop (McpSseTransport *transport)
{
  FakeTransport *self = FAKE_TRANSPORT (transport);
  g_autoptr(FakeTransport) hold G_GNUC_UNUSED = g_object_ref (self);

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTING)
    {
      GTask *task = g_steal_pointer (&self->start_task);

      /* A start not held is failed by its idle, seeing the state. */
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      if (task != NULL)
        run_in_idle (complete_start_later, task);
    }
  else if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      g_signal_emit_by_name (self, "closed", NULL);
    }
}

static void
fake_transport_iface_init (McpSseTransportInterface *iface)
{
  iface->start_async = fake_start_async;
  iface->start_finish = fake_start_finish;
  iface->send_async = fake_send_async;
  iface->send_finish = fake_send_finish;
  iface->stop = fake_stop;
}

static void
fake_transport_finalize (GObject *object)
{
  FakeTransport *self = FAKE_TRANSPORT (object);

  g_assert_null (self->start_task);
  g_assert_true (g_queue_is_empty (&self->held));
  g_free (self->send_error_body);
  g_free (self->protocol_version);
  g_clear_error (&self->send_error);
  g_ptr_array_unref (self->sent);
  g_ptr_array_unref (self->sent_versions);

  G_OBJECT_CLASS (fake_transport_parent_class)->finalize (object);
}

static void
fake_transport_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FakeTransport *self = FAKE_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PROTOCOL_VERSION:
      g_value_set_string (value, self->protocol_version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_transport_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FakeTransport *self = FAKE_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_PROTOCOL_VERSION:
      g_free (self->protocol_version);
      self->protocol_version = g_value_dup_string (value);
      g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fake_transport_class_init (FakeTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fake_transport_finalize;
  object_class->get_property = fake_transport_get_property;
  object_class->set_property = fake_transport_set_property;

  g_object_class_override_property (object_class, PROP_STATE, "state");
  g_object_class_override_property (object_class, PROP_PROTOCOL_VERSION, "protocol-version");
}

static void
fake_transport_init (FakeTransport *self)
{
  self->state = MCP_SSE_CONNECTION_STATE_DISCONNECTED;
  self->sent = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->sent_versions = g_ptr_array_new_with_free_func (g_free);
}

FakeTransport *
fake_transport_new (void)
{
  return g_object_new (FAKE_TYPE_TRANSPORT, NULL);
}

void
fake_transport_set_handler (FakeTransport        *self,
                            FakeTransportHandler  handler,
                            gpointer              user_data)
{
  self->handler = handler;
  self->handler_data = user_data;
}

void
fake_transport_set_hold_start (FakeTransport *self,
                               gboolean       hold)
{
  self->hold_start = hold;
}

void
fake_transport_complete_start (FakeTransport *self,
                               const GError  *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_task);

  g_assert_nonnull (task);

  if (error != NULL)
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      g_task_return_error (task, g_error_copy (error));
    }
  else
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTED);
      g_task_return_boolean (task, TRUE);
    }
}

guint
fake_transport_get_n_starts (FakeTransport *self)
{
  return self->n_starts;
}

void
fake_transport_set_send_error (FakeTransport *self,
                               const GError  *error)
{
  g_clear_error (&self->send_error);
  if (error != NULL)
    self->send_error = g_error_copy (error);
}

void
fake_transport_set_send_error_http (FakeTransport *self,
                                    guint          status,
                                    const char    *body)
{
  self->send_error_status = status;
  g_free (self->send_error_body);
  self->send_error_body = g_strdup (body != NULL ? body : "");
}

void
fake_transport_set_hold_sends (FakeTransport *self,
                               gboolean       hold)
{
  self->hold_sends = hold;
}

guint
fake_transport_release_sends (FakeTransport *self,
                              const GError  *error)
{
  guint count = 0;

  while (!g_queue_is_empty (&self->held))
    {
      Send send;

      send.task = g_queue_pop_head (&self->held);
      send.message = g_queue_pop_head (&self->held);
      send_complete (&send, error);
      g_object_unref (send.task);
      json_node_unref (send.message);
      count++;
    }

  return count;
}

guint
fake_transport_get_n_held (FakeTransport *self)
{
  return g_queue_get_length (&self->held) / 2;
}

guint
fake_transport_get_n_in_flight (FakeTransport *self)
{
  return self->n_in_flight;
}

guint
fake_transport_get_peak_in_flight (FakeTransport *self)
{
  return self->peak_in_flight;
}

void
fake_transport_reset_peak_in_flight (FakeTransport *self)
{
  self->peak_in_flight = self->n_in_flight;
}

guint
fake_transport_get_n_sent (FakeTransport *self)
{
  return self->sent->len;
}

JsonNode *
fake_transport_get_sent (FakeTransport *self,
                         guint          index)
{
  g_assert_cmpuint (index, <, self->sent->len);
  return g_ptr_array_index (self->sent, index);
}

const char *
fake_transport_get_sent_protocol_version (FakeTransport *self,
                                          guint          index)
{
  g_assert_cmpuint (index, <, self->sent_versions->len);
  return g_ptr_array_index (self->sent_versions, index);
}

static const char *
message_method (JsonNode *message)
{
  JsonNode *method;

  if (!JSON_NODE_HOLDS_OBJECT (message))
    return NULL;

  method = json_object_get_member (json_node_get_object (message), "method");
  return method != NULL && JSON_NODE_HOLDS_VALUE (method) ? json_node_get_string (method) : NULL;
}

JsonNode *
fake_transport_find_sent (FakeTransport *self,
                          const char    *method,
                          guint          nth)
{
  guint i;

  for (i = 0; i < self->sent->len; i++)
    {
      JsonNode *message = g_ptr_array_index (self->sent, i);

      if (g_strcmp0 (message_method (message), method) == 0 && nth-- == 0)
        return message;
    }

  return NULL;
}

guint
fake_transport_count_sent (FakeTransport *self,
                           const char    *method)
{
  guint i, count = 0;

  for (i = 0; i < self->sent->len; i++)
    if (g_strcmp0 (message_method (g_ptr_array_index (self->sent, i)), method) == 0)
      count++;

  return count;
}

void
fake_transport_inject (FakeTransport *self,
                       const char    *json)
{
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GError) error = NULL;

  message = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);

  g_signal_emit_by_name (self, "message", message);
}

void
fake_transport_inject_node (FakeTransport *self,
                            JsonNode      *message)
{
  g_signal_emit_by_name (self, "message", message);
}

void
fake_transport_inject_printf (FakeTransport *self,
                              const char    *format,
                              ...)
{
  g_autofree char *json = NULL;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);

  fake_transport_inject (self, json);
}

void
fake_transport_close (FakeTransport *self,
                      const GError  *error)
{
  g_autoptr(FakeTransport) hold G_GNUC_UNUSED = g_object_ref (self);

  g_assert_cmpint (self->state, ==, MCP_SSE_CONNECTION_STATE_CONNECTED);

  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_signal_emit_by_name (self, "closed", error);
}
