/* mcp-sse-stdio-transport.c: an MCP server as a subprocess, over its stdin and stdout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The transport owns a StdioChild per start: the process, the three pipes
 * (non-blocking, watched on the transport's main context), the line
 * splitters and the queue of lines to write. When the connection ends,
 * however it ends (stop, dispose, the server's exit, a failed write), the
 * transport detaches the child and forgets it; the child then shuts the
 * process down on its own (close its stdin, wait, SIGTERM, wait, SIGKILL)
 * and frees itself once the process has been reaped.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "mcp-sse-debug-private.h"
#include "mcp-sse-enum-types.h"
#include "mcp-sse-error.h"
#include "mcp-sse-event-parser.h"
#include "mcp-sse-json-reader-private.h"
#include "mcp-sse-json-writer-private.h"
#include "mcp-sse-line-splitter-private.h"
#include "mcp-sse-sources-private.h"
#include "mcp-sse-stdio-transport-private.h"

/**
 * McpSseStdioTransport:
 *
 * The MCP "stdio" transport: the server is a program that the transport
 * starts, and JSON-RPC messages travel as lines of UTF-8 JSON on the
 * program's standard input and output.
 *
 * [method@Transport.start_async] starts the program and completes at once,
 * connected. Every line the server writes on its standard output is read
 * with the library's strict JSON reader and emitted as
 * [signal@Transport::message]; [method@Transport.send_async] writes one
 * message as one line. What the server writes on its standard error is its
 * log, never protocol: each line is emitted as
 * [signal@StdioTransport::stderr-line], and printed with
 * `MCP_SSE_DEBUG=stdio`.
 *
 * ```c
 * static void
 * on_connected (GObject      *source,
 *               GAsyncResult *result,
 *               gpointer      user_data)
 * {
 *   McpSseClient *client = MCP_SSE_CLIENT (source);
 *   g_autoptr(GError) error = NULL;
 *
 *   if (!mcp_sse_client_connect_finish (client, result, &error))
 *     g_printerr ("The server did not start: %s\n", error->message);
 * }
 *
 * const char *argv[] = { "my-mcp-server", "--stdio", NULL };
 * g_autoptr(McpSseStdioTransport) transport = mcp_sse_stdio_transport_new (argv);
 * g_autoptr(McpSseClient) client = mcp_sse_client_new (MCP_SSE_TRANSPORT (transport));
 *
 * mcp_sse_client_connect_async (client, NULL, on_connected, NULL);
 * ```
 *
 * To set the server's environment or working directory, give the transport
 * a [class@Gio.SubprocessLauncher] with
 * [ctor@StdioTransport.new_with_launcher]. Inside a Flatpak sandbox, a
 * server installed on the host is started through `flatpak-spawn`:
 * `{ "flatpak-spawn", "--host", "--watch-bus", "my-mcp-server", NULL }`
 * (the application needs `--talk-name=org.freedesktop.Flatpak`). There the
 * launcher's environment and directory apply to `flatpak-spawn` itself;
 * pass them on with its `--env=NAME=VALUE` and `--directory=DIR` options.
 *
 * Every wait has a bound. A send waits at most
 * [property@StdioTransport:timeout] for the pipe to take its line, time
 * spent queued behind other sends included; a line that has started is
 * always written whole, so a send whose deadline passes in the middle of
 * its line closes the transport with %MCP_SSE_ERROR_TIMEOUT rather than
 * leave half a message on the pipe. A line longer than
 * [property@StdioTransport:max-event-size] is skipped without being held
 * whole and reported on [signal@Transport::error] with
 * %MCP_SSE_ERROR_EVENT_TOO_LARGE; a line that is not one JSON value in
 * UTF-8 is reported with %MCP_SSE_ERROR_INVALID_MESSAGE. Reading goes on
 * at the next line in both cases. Empty lines are skipped, and a CR before
 * the LF is accepted.
 *
 * When the server exits, or closes its standard output, the transport
 * closes: [signal@Transport::closed] carries %MCP_SSE_ERROR_CLOSED with
 * the exit status or the signal in its message.
 * [method@Transport.stop] closes at once and never blocks; the server is
 * then shut down in the background, as the MCP specification asks: its
 * standard input is closed, and if it has not exited 2 seconds later it
 * gets SIGTERM, and 2 seconds after that SIGKILL. Dropping the last
 * reference to a connected transport does the same without emitting
 * anything. The process is always reaped; the main context of the
 * transport must keep running until then.
 *
 * [property@Transport:protocol-version] is kept for the client's sake;
 * stdio has no headers to carry it.
 *
 * Since: 1.2
 */

#define READ_SIZE (64 * 1024)
#define STDERR_READ_SIZE (16 * 1024)

/* Between the end of the server's output and its exit, either way round:
 * how long the transport waits for the other before it closes. */
#define EXIT_GRACE_SECONDS 0.5

typedef struct _StdioChild StdioChild;

typedef struct
{
  StdioChild *child;
  GTask *task;                      /* NULL once answered (cancelled while written) */
  char *line;                       /* the message and its LF */
  gsize length;
  gsize written;
  GSource *deadline;
  GSource *cancel_source;
} SendItem;

struct _StdioChild
{
  grefcount ref_count;              /* the owner's, and the wait for the exit */
  McpSseStdioTransport *owner;      /* not a reference; NULL once detached */
  GMainContext *context;
  char *name;                       /* argv[0], for messages */
  GSubprocess *process;

  GOutputStream *stdin_pipe;
  GInputStream *stdout_pipe;
  GInputStream *stderr_pipe;
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  GSource *stdin_source;            /* while there is something to write */
  GSource *stdout_source;
  GSource *stderr_source;

  McpSseLineSplitter *stdout_lines;
  McpSseLineSplitter *stderr_lines;
  char *buffer;                     /* READ_SIZE bytes */

  GQueue sends;                     /* of SendItem, the head being written */

  GSource *grace;                   /* between EOF and exit */
  GSource *shutdown_timer;          /* SIGTERM, then SIGKILL */
  guint shutdown_step;

  guint stdout_eof : 1;
  guint stderr_eof : 1;
  guint exited : 1;
  guint stdin_closed : 1;
};

struct _McpSseStdioTransport
{
  GObject parent_instance;

  char **argv;
  GSubprocessLauncher *launcher;
  double timeout;
  guint64 max_event_size;
  char *protocol_version;
  GMainContext *context;

  McpSseConnectionState state;
  StdioChild *child;                /* while connected */
};

enum {
  PROP_0,
  PROP_ARGV,
  PROP_LAUNCHER,
  PROP_TIMEOUT,
  PROP_MAX_EVENT_SIZE,
  PROP_STATE,
  PROP_PROTOCOL_VERSION,
  N_PROPS
};

enum {
  STDERR_LINE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint transport_message_signal;
static guint transport_error_signal;
static guint transport_closed_signal;

static void mcp_sse_stdio_transport_transport_init (McpSseTransportInterface *iface);
static void transport_close (McpSseStdioTransport *self,
                             GError               *error);

G_DEFINE_FINAL_TYPE_WITH_CODE (McpSseStdioTransport, mcp_sse_stdio_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_TRANSPORT,
                                                      mcp_sse_stdio_transport_transport_init))

/* Answers that must come after the caller returns */

typedef struct
{
  GTask *task;
  GError *error;
} LateError;

static gboolean
late_error_return (gpointer data)
{
  LateError *late = data;

  g_task_return_error (late->task, g_steal_pointer (&late->error));
  return G_SOURCE_REMOVE;
}

static void
late_error_free (gpointer data)
{
  LateError *late = data;

  g_clear_error (&late->error);
  g_object_unref (late->task);
  g_free (late);
}

/* Fails @task with a copy of @error from an idle of its context: never
 * from inside the call that cut it off. */
static void
task_return_error_later (GTask        *task,
                         const GError *error)
{
  LateError *late = g_new0 (LateError, 1);
  GSource *source = g_idle_source_new ();

  late->task = task;
  late->error = g_error_copy (error);
  g_source_set_static_name (source, "[mcp-sse] stdio send cut off");
  g_source_set_callback (source, late_error_return, late, late_error_free);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* The child */

static StdioChild *
child_ref (StdioChild *child)
{
  g_ref_count_inc (&child->ref_count);
  return child;
}

static void
send_item_free (SendItem *item)
{
  mcp_sse_source_clear (&item->deadline);
  mcp_sse_source_clear (&item->cancel_source);
  g_clear_object (&item->task);
  g_free (item->line);
  g_free (item);
}

static void
child_unref (StdioChild *child)
{
  if (!g_ref_count_dec (&child->ref_count))
    return;

  g_assert (child->owner == NULL);
  g_assert (g_queue_is_empty (&child->sends));

  mcp_sse_source_clear (&child->stdin_source);
  mcp_sse_source_clear (&child->stdout_source);
  mcp_sse_source_clear (&child->stderr_source);
  mcp_sse_source_clear (&child->grace);
  mcp_sse_source_clear (&child->shutdown_timer);
  g_clear_object (&child->stdin_pipe);
  g_clear_object (&child->stdout_pipe);
  g_clear_object (&child->stderr_pipe);
  g_clear_object (&child->process);
  g_clear_pointer (&child->stdout_lines, mcp_sse_line_splitter_free);
  g_clear_pointer (&child->stderr_lines, mcp_sse_line_splitter_free);
  g_clear_pointer (&child->context, g_main_context_unref);
  g_free (child->buffer);
  g_free (child->name);
  g_free (child);
}

static GError *
child_exit_error (StdioChild *child)
{
  if (!child->exited)
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                        "The MCP server “%s” closed its standard output", child->name);

  if (g_subprocess_get_if_exited (child->process))
    return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                        "The MCP server “%s” exited with status %d", child->name,
                        g_subprocess_get_exit_status (child->process));

  if (g_subprocess_get_if_signaled (child->process))
    {
      int signum = g_subprocess_get_term_sig (child->process);

      return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                          "The MCP server “%s” was killed by signal %d (%s)", child->name,
                          signum, g_strsignal (signum));
    }

  return g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                      "The MCP server “%s” ended", child->name);
}

static void
child_close_stdin (StdioChild *child)
{
  if (child->stdin_closed)
    return;

  child->stdin_closed = TRUE;
  mcp_sse_source_clear (&child->stdin_source);
  g_output_stream_close (child->stdin_pipe, NULL, NULL);
}

/* The process was reaped and nobody listens any more: let go of it all. */
static void
child_finish (StdioChild *child)
{
  g_assert (child->owner == NULL && child->exited);

  child_close_stdin (child);
  mcp_sse_source_clear (&child->stdout_source);
  mcp_sse_source_clear (&child->stderr_source);
  mcp_sse_source_clear (&child->grace);
  mcp_sse_source_clear (&child->shutdown_timer);
  g_input_stream_close (child->stdout_pipe, NULL, NULL);
  g_input_stream_close (child->stderr_pipe, NULL, NULL);
}

static gboolean
on_shutdown_timer (gpointer data)
{
  StdioChild *child = data;

  if (child->shutdown_step == 0)
    {
      MCP_SSE_NOTE (STDIO, "%s: still running %g s after its input closed: SIGTERM",
                    child->name, MCP_SSE_STDIO_STDIN_CLOSE_WAIT_SECONDS);
      child->shutdown_step = 1;
      g_subprocess_send_signal (child->process, SIGTERM);
      mcp_sse_deadline_arm (child->shutdown_timer, MCP_SSE_STDIO_TERM_WAIT_SECONDS);
    }
  else
    {
      MCP_SSE_NOTE (STDIO, "%s: still running %g s after SIGTERM: SIGKILL",
                    child->name, MCP_SSE_STDIO_TERM_WAIT_SECONDS);
      g_subprocess_force_exit (child->process);
    }

  return G_SOURCE_CONTINUE;
}

/* Cuts the child loose from its owner, fails what it still had to write
 * with @error (after the caller returns), releases the owner's reference
 * and shuts the process down in the background. */
static void
child_detach (StdioChild   *child,
              const GError *error)
{
  SendItem *item;

  g_assert (child->owner != NULL);
  child->owner = NULL;

  mcp_sse_source_clear (&child->grace);
  while ((item = g_queue_pop_head (&child->sends)) != NULL)
    {
      if (item->task != NULL)
        task_return_error_later (g_steal_pointer (&item->task), error);
      send_item_free (item);
    }

  child_close_stdin (child);

  if (child->exited)
    child_finish (child);
  else
    {
      child->shutdown_timer = mcp_sse_deadline_new (child->context, "[mcp-sse] stdio shutdown",
                                                    on_shutdown_timer, child);
      mcp_sse_deadline_arm (child->shutdown_timer, MCP_SSE_STDIO_STDIN_CLOSE_WAIT_SECONDS);
    }

  child_unref (child);
}

/* Reading the standard output */

static gboolean
is_blank (const char *line,
          gsize       length)
{
  gsize i;

  for (i = 0; i < length; i++)
    if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
      return FALSE;

  return TRUE;
}

static gboolean
on_stdout_line (const char      *line,
                gsize            length,
                McpSseLineFlags  flags,
                gpointer         data)
{
  StdioChild *child = data;
  g_autoptr(McpSseStdioTransport) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) message = NULL;

  if (child->owner == NULL)
    return FALSE;

  if (flags & MCP_SSE_LINE_CUT)
    error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE,
                         "A message from the MCP server “%s” is longer than %" G_GUINT64_FORMAT " bytes",
                         child->name, child->owner->max_event_size);
  else if (flags & MCP_SSE_LINE_UNTERMINATED)
    error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                         "The output of the MCP server “%s” ended within a message", child->name);
  else if (is_blank (line, length))
    return TRUE;
  else if (!g_utf8_validate_len (line, length, NULL))
    error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                         "A message from the MCP server “%s” is not valid UTF-8", child->name);
  else
    message = mcp_sse_json_reader_read (line, length, &error);

  /* A handler may stop the transport or drop the last reference to it. */
  self = g_object_ref (child->owner);
  if (message != NULL)
    g_signal_emit (self, transport_message_signal, 0, message);
  else
    {
      MCP_SSE_NOTE (STDIO, "%s: %s", child->name, error->message);
      g_signal_emit (self, transport_error_signal, 0, error);
    }

  return child->owner == self;
}

static gboolean
on_grace_over (gpointer data)
{
  StdioChild *child = data;

  mcp_sse_source_clear (&child->grace);
  transport_close (child->owner, child_exit_error (child));
  return G_SOURCE_REMOVE;
}

/* The output ended, or the process exited: close once both happened, or
 * a short while after one of them. */
static void
child_check_end (StdioChild *child)
{
  if (child->owner == NULL)
    return;

  if (child->stdout_eof && child->exited)
    transport_close (child->owner, child_exit_error (child));
  else if (child->grace == NULL)
    child->grace = mcp_sse_timeout_source_attach (child->context, EXIT_GRACE_SECONDS,
                                                  on_grace_over, child);
}

static gboolean
on_stdout_readable (int          fd,
                    GIOCondition condition,
                    gpointer     data)
{
  StdioChild *child = data;
  gssize n;

  n = read (fd, child->buffer, READ_SIZE);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return G_SOURCE_CONTINUE;

  if (n <= 0)
    {
      MCP_SSE_NOTE (STDIO, "%s: end of the output", child->name);
      mcp_sse_source_clear (&child->stdout_source);
      child->stdout_eof = TRUE;
      if (child->owner != NULL)
        {
          child_ref (child);
          if (mcp_sse_line_splitter_end (child->stdout_lines, on_stdout_line, child))
            child_check_end (child);
          child_unref (child);
        }
      return G_SOURCE_REMOVE;
    }

  /* Once detached, the output is only drained, so that the server never
   * blocks on it while it shuts down. */
  if (child->owner != NULL)
    {
      child_ref (child);
      mcp_sse_line_splitter_feed (child->stdout_lines, child->buffer, n, on_stdout_line, child);
      child_unref (child);
    }

  return G_SOURCE_CONTINUE;
}

/* Reading the standard error */

static gboolean
on_stderr_line (const char      *line,
                gsize            length,
                McpSseLineFlags  flags,
                gpointer         data)
{
  StdioChild *child = data;
  McpSseStdioTransport *self = child->owner;
  gboolean wanted = self != NULL && g_signal_has_handler_pending (self, signals[STDERR_LINE], 0, TRUE);
  g_autofree char *valid = NULL;
  g_autofree char *text = NULL;

  if (!wanted && !MCP_SSE_DEBUG_ENABLED (STDIO))
    return TRUE;

  valid = g_utf8_make_valid (line, length);
  text = (flags & MCP_SSE_LINE_CUT) ? g_strconcat (valid, "…", NULL) : g_steal_pointer (&valid);

  MCP_SSE_NOTE (STDIO, "%s: stderr: %s", child->name, text);

  if (wanted)
    {
      g_autoptr(McpSseStdioTransport) hold = g_object_ref (self);

      g_signal_emit (self, signals[STDERR_LINE], 0, text);
      return child->owner == hold;
    }

  return TRUE;
}

static gboolean
on_stderr_readable (int          fd,
                    GIOCondition condition,
                    gpointer     data)
{
  StdioChild *child = data;
  char buffer[STDERR_READ_SIZE];
  gssize n;

  n = read (fd, buffer, sizeof buffer);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return G_SOURCE_CONTINUE;

  child_ref (child);
  if (n <= 0)
    {
      mcp_sse_source_clear (&child->stderr_source);
      child->stderr_eof = TRUE;
      mcp_sse_line_splitter_end (child->stderr_lines, on_stderr_line, child);
    }
  else
    mcp_sse_line_splitter_feed (child->stderr_lines, buffer, n, on_stderr_line, child);
  child_unref (child);

  return n <= 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

/* The exit */

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  StdioChild *child = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  child->exited = TRUE;

  if (g_subprocess_get_if_exited (child->process))
    MCP_SSE_NOTE (STDIO, "%s: exited with status %d", child->name,
                  g_subprocess_get_exit_status (child->process));
  else
    MCP_SSE_NOTE (STDIO, "%s: ended", child->name);

  if (child->owner != NULL)
    child_check_end (child);
  else
    child_finish (child);

  child_unref (child);
}

/* Writing */

static gboolean
on_stdin_writable (int          fd,
                   GIOCondition condition,
                   gpointer     data)
{
  StdioChild *child = data;
  SendItem *item;

  child_ref (child);

  while (child->owner != NULL && (item = g_queue_peek_head (&child->sends)) != NULL)
    {
      gssize n = write (fd, item->line + item->written, item->length - item->written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        {
          int saved = errno;

          transport_close (child->owner,
                           g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED,
                                        "Cannot write to the MCP server “%s”: %s",
                                        child->name, g_strerror (saved)));
          break;
        }

      item->written += n;
      if (item->written == item->length)
        {
          g_autoptr(GTask) task = g_steal_pointer (&item->task);

          g_queue_pop_head (&child->sends);
          send_item_free (item);
          if (task != NULL)
            g_task_return_boolean (task, TRUE);
        }
    }

  if (child->owner == NULL || g_queue_is_empty (&child->sends))
    mcp_sse_source_clear (&child->stdin_source);

  child_unref (child);
  return G_SOURCE_CONTINUE;
}

static void
child_want_write (StdioChild *child)
{
  if (child->stdin_source != NULL)
    return;

  child->stdin_source = g_unix_fd_source_new (child->stdin_fd, G_IO_OUT);
  g_source_set_static_name (child->stdin_source, "[mcp-sse] stdio stdin");
  g_source_set_callback (child->stdin_source, G_SOURCE_FUNC (on_stdin_writable), child, NULL);
  g_source_attach (child->stdin_source, child->context);
}

static gboolean
on_send_deadline (gpointer data)
{
  SendItem *item = data;
  StdioChild *child = item->child;
  McpSseStdioTransport *self = child->owner;
  g_autoptr(GTask) task = g_steal_pointer (&item->task);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&item->deadline, g_source_unref);
  error = g_error_new (MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT,
                       "Writing a message to the MCP server “%s” took longer than %g s",
                       child->name, self->timeout);

  if (item->written > 0)
    {
      /* Half a line is on the pipe: what comes next could only corrupt
       * it. The transport closes, failing this send with the others. */
      MCP_SSE_NOTE (STDIO, "%s: %s, within the line", child->name, error->message);
      if (task != NULL)
        task_return_error_later (g_steal_pointer (&task), error);
      transport_close (self, g_steal_pointer (&error));
      return G_SOURCE_REMOVE;
    }

  g_queue_remove (&child->sends, item);
  send_item_free (item);
  if (task != NULL)
    g_task_return_error (task, g_steal_pointer (&error));

  return G_SOURCE_REMOVE;
}

static gboolean
on_send_cancelled (GCancellable *cancellable,
                   gpointer      data)
{
  SendItem *item = data;
  StdioChild *child = item->child;
  g_autoptr(GTask) task = g_steal_pointer (&item->task);

  g_clear_pointer (&item->cancel_source, g_source_unref);

  /* A line that has started is written whole all the same. */
  if (item->written == 0)
    {
      g_queue_remove (&child->sends, item);
      send_item_free (item);
    }

  if (task != NULL)
    g_task_return_error_if_cancelled (task);

  return G_SOURCE_REMOVE;
}

/* The child's birth */

static void
watch_input (StdioChild         *child,
             int                 fd,
             GSource           **source,
             GUnixFDSourceFunc   func,
             const char         *name)
{
  *source = g_unix_fd_source_new (fd, G_IO_IN);
  g_source_set_static_name (*source, name);
  g_source_set_callback (*source, G_SOURCE_FUNC (func), child, NULL);
  g_source_attach (*source, child->context);
}

static StdioChild *
child_new (McpSseStdioTransport *owner,
           GSubprocess          *process)
{
  StdioChild *child = g_new0 (StdioChild, 1);

  g_ref_count_init (&child->ref_count);
  child->owner = owner;
  child->context = g_main_context_ref (owner->context);
  child->name = g_strdup (owner->argv[0]);
  child->process = g_object_ref (process);
  child->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (process));
  child->stdout_pipe = g_object_ref (g_subprocess_get_stdout_pipe (process));
  child->stderr_pipe = g_object_ref (g_subprocess_get_stderr_pipe (process));
  child->stdin_fd = g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (child->stdin_pipe));
  child->stdout_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (child->stdout_pipe));
  child->stderr_fd = g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (child->stderr_pipe));
  child->stdout_lines = mcp_sse_line_splitter_new (owner->max_event_size);
  child->stderr_lines = mcp_sse_line_splitter_new (MCP_SSE_STDIO_STDERR_LINE_MAX);
  child->buffer = g_malloc (READ_SIZE);

  /* Our ends only: the server's ends keep their own flags. */
  g_unix_set_fd_nonblocking (child->stdin_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (child->stdout_fd, TRUE, NULL);
  g_unix_set_fd_nonblocking (child->stderr_fd, TRUE, NULL);

  watch_input (child, child->stdout_fd, &child->stdout_source, on_stdout_readable,
               "[mcp-sse] stdio stdout");
  watch_input (child, child->stderr_fd, &child->stderr_source, on_stderr_readable,
               "[mcp-sse] stdio stderr");

  /* GSubprocess reaps the process whatever happens; this hears of it. */
  g_main_context_push_thread_default (child->context);
  g_subprocess_wait_async (process, NULL, on_exited, child_ref (child));
  g_main_context_pop_thread_default (child->context);

  return child;
}

/* State */

static const char *
state_name (McpSseConnectionState state)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (MCP_SSE_TYPE_CONNECTION_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  return value != NULL ? value->value_nick : "?";
}

static const char *
program_name (McpSseStdioTransport *self)
{
  return self->argv != NULL && self->argv[0] != NULL ? self->argv[0] : "";
}

static void
set_state (McpSseStdioTransport  *self,
           McpSseConnectionState  state)
{
  if (self->state == state)
    return;

  MCP_SSE_NOTE (TRANSPORT, "%s: %s -> %s", program_name (self),
                state_name (self->state), state_name (state));

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* The connection ended for @error (taken): closes it and says so. */
static void
transport_close (McpSseStdioTransport *self,
                 GError               *error)
{
  g_autoptr(GError) reason = error;

  g_assert (self->child != NULL);

  /* Handlers may drop the last reference. */
  g_object_ref (self);
  MCP_SSE_NOTE (TRANSPORT, "%s: closed: %s", program_name (self), reason->message);

  child_detach (g_steal_pointer (&self->child), reason);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);

  if (!g_error_matches (reason, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED))
    g_signal_emit (self, transport_error_signal, 0, reason);
  g_signal_emit (self, transport_closed_signal, 0, reason);
  g_object_unref (self);
}

/* The transport */

static void
mcp_sse_stdio_transport_real_start_async (McpSseTransport     *transport,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (transport);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_stdio_transport_real_start_async);

  if (self->state == MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The MCP server “%s” is already running", program_name (self));
      return;
    }

  if (self->argv == NULL || self->argv[0] == NULL)
    {
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "No program to start: the command line is empty");
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTING);

  launcher = self->launcher != NULL ? g_object_ref (self->launcher) : g_subprocess_launcher_new (0);
  g_subprocess_launcher_set_flags (launcher,
                                   G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                   G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                   G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                   G_SUBPROCESS_FLAGS_SEARCH_PATH_FROM_ENVP);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) self->argv, &error);
  if (process == NULL)
    {
      MCP_SSE_NOTE (STDIO, "%s: cannot start: %s", program_name (self), error->message);
      set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
      g_task_return_new_error (task, error->domain, error->code,
                               "Cannot start the MCP server “%s”: %s",
                               program_name (self), error->message);
      return;
    }

  MCP_SSE_NOTE (STDIO, "%s: started, process %s", program_name (self),
                g_subprocess_get_identifier (process));

  self->child = child_new (self, process);
  set_state (self, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_task_return_boolean (task, TRUE);
}

static gboolean
mcp_sse_stdio_transport_real_start_finish (McpSseTransport  *transport,
                                           GAsyncResult     *result,
                                           GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_stdio_transport_real_start_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_stdio_transport_real_send_async (McpSseTransport     *transport,
                                         JsonNode            *message,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (transport);
  g_autoptr(GTask) task = NULL;
  SendItem *item;
  gsize length;
  char *text;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mcp_sse_stdio_transport_real_send_async);

  if (self->state != MCP_SSE_CONNECTION_STATE_CONNECTED)
    {
      g_task_return_new_error (task, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED,
                               "Cannot send to the MCP server “%s”: not connected",
                               program_name (self));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  text = mcp_sse_json_writer_write (message, &length);

  /* The writer escapes every control character, so a message is always
   * one line; a newline here would break the framing for good. */
  if (G_UNLIKELY (memchr (text, '\n', length) != NULL))
    {
      g_free (text);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The message to send does not fit on one line");
      return;
    }

  item = g_new0 (SendItem, 1);
  item->child = self->child;
  item->line = g_realloc (text, length + 1);
  item->line[length] = '\n';
  item->length = length + 1;
  item->task = g_steal_pointer (&task);
  item->deadline = mcp_sse_timeout_source_attach (self->context, self->timeout,
                                                  on_send_deadline, item);
  item->cancel_source = mcp_sse_cancel_source_attach (self->context, cancellable,
                                                      on_send_cancelled, item);
  g_queue_push_tail (&self->child->sends, item);
  child_want_write (self->child);
}

static gboolean
mcp_sse_stdio_transport_real_send_finish (McpSseTransport  *transport,
                                          GAsyncResult     *result,
                                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transport), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mcp_sse_stdio_transport_real_send_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mcp_sse_stdio_transport_real_stop (McpSseTransport *transport)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (transport);
  g_autoptr(McpSseStdioTransport) hold = NULL;
  g_autoptr(GError) error = NULL;

  if (self->child == NULL)
    return;

  hold = g_object_ref (self);
  MCP_SSE_NOTE (TRANSPORT, "%s: stopped", program_name (self));

  error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       "The connection to the MCP server “%s” was stopped", program_name (self));
  child_detach (g_steal_pointer (&self->child), error);
  set_state (self, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_signal_emit (self, transport_closed_signal, 0, NULL);
}

static void
mcp_sse_stdio_transport_transport_init (McpSseTransportInterface *iface)
{
  iface->start_async = mcp_sse_stdio_transport_real_start_async;
  iface->start_finish = mcp_sse_stdio_transport_real_start_finish;
  iface->send_async = mcp_sse_stdio_transport_real_send_async;
  iface->send_finish = mcp_sse_stdio_transport_real_send_finish;
  iface->stop = mcp_sse_stdio_transport_real_stop;
}

/* GObject */

static void
mcp_sse_stdio_transport_dispose (GObject *object)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (object);

  /* Closes without a word: nobody is listening any more. Pending sends
   * hold references, so none is left here. */
  if (self->child != NULL)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "The transport was disposed");

      child_detach (g_steal_pointer (&self->child), error);
      self->state = MCP_SSE_CONNECTION_STATE_CLOSED;
    }

  G_OBJECT_CLASS (mcp_sse_stdio_transport_parent_class)->dispose (object);
}

static void
mcp_sse_stdio_transport_finalize (GObject *object)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (object);

  g_strfreev (self->argv);
  g_clear_object (&self->launcher);
  g_free (self->protocol_version);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (mcp_sse_stdio_transport_parent_class)->finalize (object);
}

static void
mcp_sse_stdio_transport_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_ARGV:
      g_value_set_boxed (value, self->argv);
      break;

    case PROP_LAUNCHER:
      g_value_set_object (value, self->launcher);
      break;

    case PROP_TIMEOUT:
      g_value_set_double (value, self->timeout);
      break;

    case PROP_MAX_EVENT_SIZE:
      g_value_set_uint64 (value, self->max_event_size);
      break;

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
mcp_sse_stdio_transport_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  McpSseStdioTransport *self = MCP_SSE_STDIO_TRANSPORT (object);

  switch (prop_id)
    {
    case PROP_ARGV:
      self->argv = g_value_dup_boxed (value);
      break;

    case PROP_LAUNCHER:
      self->launcher = g_value_dup_object (value);
      break;

    case PROP_TIMEOUT:
      mcp_sse_stdio_transport_set_timeout (self, g_value_get_double (value));
      break;

    case PROP_MAX_EVENT_SIZE:
      mcp_sse_stdio_transport_set_max_event_size (self, g_value_get_uint64 (value));
      break;

    case PROP_PROTOCOL_VERSION:
      if (g_strcmp0 (self->protocol_version, g_value_get_string (value)) != 0)
        {
          g_free (self->protocol_version);
          self->protocol_version = g_value_dup_string (value);
          g_object_notify_by_pspec (object, properties[PROP_PROTOCOL_VERSION]);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mcp_sse_stdio_transport_class_init (McpSseStdioTransportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mcp_sse_stdio_transport_dispose;
  object_class->finalize = mcp_sse_stdio_transport_finalize;
  object_class->get_property = mcp_sse_stdio_transport_get_property;
  object_class->set_property = mcp_sse_stdio_transport_set_property;

  /**
   * McpSseStdioTransport:argv:
   *
   * The command line of the server: the program (looked up in `PATH`
   * unless it contains a slash) and its arguments.
   *
   * Since: 1.2
   */
  properties[PROP_ARGV] =
    g_param_spec_boxed ("argv", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseStdioTransport:launcher:
   *
   * What starts the server: its environment, its working directory, and
   * so on. When %NULL a launcher with the defaults is used. The transport
   * sets the launcher's flags when it starts the server (pipes for the
   * three standard streams, the program looked up in the launcher's own
   * `PATH`), replacing those set before.
   *
   * Since: 1.2
   */
  properties[PROP_LAUNCHER] =
    g_param_spec_object ("launcher", NULL, NULL,
                         G_TYPE_SUBPROCESS_LAUNCHER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseStdioTransport:timeout:
   *
   * How long in seconds a send may wait for the server to take its
   * message, time spent queued behind other sends included; 0 means for
   * ever. A deadline that passes before the message was started fails
   * that send with %MCP_SSE_ERROR_TIMEOUT; one that passes in the middle
   * of it closes the transport with that error, since the rest of the
   * line could not be taken back. A change applies from the next send.
   *
   * Since: 1.2
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         0, G_MAXDOUBLE, MCP_SSE_STDIO_TRANSPORT_DEFAULT_TIMEOUT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * McpSseStdioTransport:max-event-size:
   *
   * The longest message line the transport accepts, in bytes (its LF not
   * counted, a CR before it counted); 0 means no limit. A longer line is
   * skipped without being held whole and reported on
   * [signal@Transport::error] with %MCP_SSE_ERROR_EVENT_TOO_LARGE; reading
   * goes on at the next line. A change applies from the next bytes read.
   *
   * Since: 1.2
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
   * McpSseStdioTransport::stderr-line:
   * @self: the transport
   * @line: one line of the server's standard error, without its line end
   *
   * Emitted for every line the server writes on its standard error, which
   * is its log and never protocol. Bytes that are not UTF-8 become U+FFFD;
   * a line longer than 4096 bytes is cut there and ends with “…”. The
   * standard error is read continuously, so a server that logs a lot
   * never blocks on it.
   *
   * Since: 1.2
   */
  signals[STDERR_LINE] =
    g_signal_new ("stderr-line",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  g_cclosure_marshal_VOID__STRING,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[STDERR_LINE],
                              G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__STRINGv);

  transport_message_signal = g_signal_lookup ("message", MCP_SSE_TYPE_TRANSPORT);
  transport_error_signal = g_signal_lookup ("error", MCP_SSE_TYPE_TRANSPORT);
  transport_closed_signal = g_signal_lookup ("closed", MCP_SSE_TYPE_TRANSPORT);

  /* Writing to a pipe whose reader is gone raises SIGPIPE, which kills
   * the process unless ignored: a server that exits must be an error, not
   * the end of the application. GIO's socket class ignores it process-wide
   * for the same reason (its class_init does; registering the type alone
   * does not), and so does this one. */
  signal (SIGPIPE, SIG_IGN);
}

static void
mcp_sse_stdio_transport_init (McpSseStdioTransport *self)
{
  self->timeout = MCP_SSE_STDIO_TRANSPORT_DEFAULT_TIMEOUT;
  self->max_event_size = MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE;
  self->state = MCP_SSE_CONNECTION_STATE_DISCONNECTED;
  self->context = g_main_context_ref_thread_default ();
}

/* Public API */

/**
 * mcp_sse_stdio_transport_new:
 * @argv: (array zero-terminated=1): the server's command line: the
 *   program and its arguments
 *
 * Creates a transport for the server that @argv starts. Nothing runs
 * before [method@Transport.start_async].
 *
 * Returns: (transfer full): a new transport
 *
 * Since: 1.2
 */
McpSseStdioTransport *
mcp_sse_stdio_transport_new (const char * const *argv)
{
  return mcp_sse_stdio_transport_new_with_launcher (NULL, argv);
}

/**
 * mcp_sse_stdio_transport_new_with_launcher:
 * @launcher: (nullable): what starts the server (its environment, its
 *   working directory), or %NULL for the defaults
 * @argv: (array zero-terminated=1): the server's command line: the
 *   program and its arguments
 *
 * Creates a transport for the server that @argv starts through
 * @launcher. See [property@StdioTransport:launcher].
 *
 * Returns: (transfer full): a new transport
 *
 * Since: 1.2
 */
McpSseStdioTransport *
mcp_sse_stdio_transport_new_with_launcher (GSubprocessLauncher *launcher,
                                           const char * const  *argv)
{
  g_return_val_if_fail (launcher == NULL || G_IS_SUBPROCESS_LAUNCHER (launcher), NULL);
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  return g_object_new (MCP_SSE_TYPE_STDIO_TRANSPORT,
                       "argv", argv,
                       "launcher", launcher,
                       NULL);
}

/**
 * mcp_sse_stdio_transport_get_argv:
 * @self: a transport
 *
 * Gets [property@StdioTransport:argv].
 *
 * Returns: (transfer none) (array zero-terminated=1): the server's
 *   command line
 *
 * Since: 1.2
 */
const char * const *
mcp_sse_stdio_transport_get_argv (McpSseStdioTransport *self)
{
  g_return_val_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self), NULL);

  return (const char * const *) self->argv;
}

/**
 * mcp_sse_stdio_transport_get_launcher:
 * @self: a transport
 *
 * Gets [property@StdioTransport:launcher].
 *
 * Returns: (transfer none) (nullable): the launcher, or %NULL
 *
 * Since: 1.2
 */
GSubprocessLauncher *
mcp_sse_stdio_transport_get_launcher (McpSseStdioTransport *self)
{
  g_return_val_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self), NULL);

  return self->launcher;
}

/**
 * mcp_sse_stdio_transport_get_subprocess:
 * @self: a transport
 *
 * Gets the server's process while the transport is connected.
 *
 * Returns: (transfer none) (nullable): the process, or %NULL when not
 *   connected
 *
 * Since: 1.2
 */
GSubprocess *
mcp_sse_stdio_transport_get_subprocess (McpSseStdioTransport *self)
{
  g_return_val_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self), NULL);

  return self->child != NULL ? self->child->process : NULL;
}

/**
 * mcp_sse_stdio_transport_get_timeout:
 * @self: a transport
 *
 * Gets [property@StdioTransport:timeout].
 *
 * Returns: the deadline of a send in seconds, 0 for none
 *
 * Since: 1.2
 */
double
mcp_sse_stdio_transport_get_timeout (McpSseStdioTransport *self)
{
  g_return_val_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self), 0);

  return self->timeout;
}

/**
 * mcp_sse_stdio_transport_set_timeout:
 * @self: a transport
 * @timeout: the deadline of a send in seconds, 0 for none
 *
 * Sets [property@StdioTransport:timeout]. Negative values are refused.
 *
 * Since: 1.2
 */
void
mcp_sse_stdio_transport_set_timeout (McpSseStdioTransport *self,
                                     double                timeout)
{
  g_return_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self));
  g_return_if_fail (timeout >= 0);

  if (self->timeout == timeout)
    return;

  self->timeout = timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

/**
 * mcp_sse_stdio_transport_get_max_event_size:
 * @self: a transport
 *
 * Gets [property@StdioTransport:max-event-size].
 *
 * Returns: the longest message line in bytes, 0 for no limit
 *
 * Since: 1.2
 */
guint64
mcp_sse_stdio_transport_get_max_event_size (McpSseStdioTransport *self)
{
  g_return_val_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self), 0);

  return self->max_event_size;
}

/**
 * mcp_sse_stdio_transport_set_max_event_size:
 * @self: a transport
 * @max_event_size: the longest message line in bytes, 0 for no limit
 *
 * Sets [property@StdioTransport:max-event-size].
 *
 * Since: 1.2
 */
void
mcp_sse_stdio_transport_set_max_event_size (McpSseStdioTransport *self,
                                            guint64               max_event_size)
{
  g_return_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self));

  if (self->max_event_size == max_event_size)
    return;

  self->max_event_size = max_event_size;
  if (self->child != NULL)
    mcp_sse_line_splitter_set_max_length (self->child->stdout_lines,
                                          MIN (max_event_size, G_MAXSIZE));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_EVENT_SIZE]);
}

gsize
mcp_sse_stdio_transport_get_peak_held (McpSseStdioTransport *self)
{
  g_return_val_if_fail (MCP_SSE_IS_STDIO_TRANSPORT (self), 0);

  return self->child != NULL ? mcp_sse_line_splitter_get_peak_held (self->child->stdout_lines) : 0;
}
