/* fake-transport.h: an in-memory McpSseTransport for client tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <mcp-sse/mcp-sse.h>

G_BEGIN_DECLS

#define FAKE_TYPE_TRANSPORT (fake_transport_get_type ())

G_DECLARE_FINAL_TYPE (FakeTransport, fake_transport, FAKE, TRANSPORT, GObject)

/* Called, from an idle on the thread-default main context, for every
 * message the client sent; it plays the server, usually by calling
 * fake_transport_inject(). The send completes right after it. */
typedef void (*FakeTransportHandler) (FakeTransport *self,
                                      JsonNode      *message,
                                      gpointer       user_data);

FakeTransport *fake_transport_new                  (void);
void           fake_transport_set_handler          (FakeTransport        *self,
                                                    FakeTransportHandler  handler,
                                                    gpointer              user_data);

/* Starting: by default start_async() connects in an idle. When held, the
 * transport stays CONNECTING until fake_transport_complete_start(). */
void           fake_transport_set_hold_start       (FakeTransport        *self,
                                                    gboolean              hold);
void           fake_transport_complete_start       (FakeTransport        *self,
                                                    const GError         *error);
guint          fake_transport_get_n_starts         (FakeTransport        *self);

/* Every send fails with @error from now on (NULL: sends succeed again). */
void           fake_transport_set_send_error       (FakeTransport        *self,
                                                    const GError         *error);

/* The failed sends also carry McpSseErrorDetails with this HTTP status
 * and body (0: none). */
void           fake_transport_set_send_error_http  (FakeTransport        *self,
                                                    guint                 status,
                                                    const char           *body);

/* Held sends stay in flight, handler not called, until released: with
 * success (@error NULL: the handler runs, in order) or with @error. */
void           fake_transport_set_hold_sends       (FakeTransport        *self,
                                                    gboolean              hold);
guint          fake_transport_get_n_held           (FakeTransport        *self);
guint          fake_transport_release_sends        (FakeTransport        *self,
                                                    const GError         *error);

/* Sends started but not completed, now and at most since the last reset. */
guint          fake_transport_get_n_in_flight      (FakeTransport        *self);
guint          fake_transport_get_peak_in_flight   (FakeTransport        *self);
void           fake_transport_reset_peak_in_flight (FakeTransport        *self);

/* What the client sent, in order, each a deep copy. */
guint          fake_transport_get_n_sent           (FakeTransport        *self);
JsonNode      *fake_transport_get_sent             (FakeTransport        *self,
                                                    guint                 index);
/* The protocol-version property at the time message @index was sent. */
const char    *fake_transport_get_sent_protocol_version (FakeTransport   *self,
                                                    guint                 index);
/* The @nth (from 0) message sent with this method, or NULL. */
JsonNode      *fake_transport_find_sent            (FakeTransport        *self,
                                                    const char           *method,
                                                    guint                 nth);
guint          fake_transport_count_sent           (FakeTransport        *self,
                                                    const char           *method);

/* The server's side: emits ::message with @json parsed, or ::closed. */
void           fake_transport_inject               (FakeTransport        *self,
                                                    const char           *json);
void           fake_transport_inject_printf        (FakeTransport        *self,
                                                    const char           *format,
                                                    ...) G_GNUC_PRINTF (2, 3);
void           fake_transport_inject_node          (FakeTransport        *self,
                                                    JsonNode             *message);
void           fake_transport_close                (FakeTransport        *self,
                                                    const GError         *error);

G_END_DECLS
