/* mcp-sse-test-utils.c: setup, time and waiting for the test programs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <locale.h>
#include <stdlib.h>

#if defined(__has_include)
# if __has_include(<valgrind/valgrind.h>)
#  include <valgrind/valgrind.h>
#  define TEST_HAVE_VALGRIND 1
# endif
#endif

#include "mcp-sse-test-utils.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define TEST_ASAN 1
# endif
#endif
#if defined(__SANITIZE_ADDRESS__)
# define TEST_ASAN 1
#endif

#ifdef TEST_ASAN
/* At exit, LeakSanitizer (GCC 12) misreads the dynamic TLS that GnuTLS
 * leaves in GLib's worker thread and crashes; without the __tls_get_addr
 * interceptor it does not look there. ASAN_OPTIONS still applies on top. */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}
#endif

#define TEST_VALGRIND_SCALE 10.0

/* How often a wait wakes up to look at its condition. */
#define TEST_WAIT_TICK_MS 10

/* Setup */

static GLogWriterOutput
test_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  /* Messages that g_test_expect_message() expected never get here. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    log_level |= G_LOG_FLAG_FATAL;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
test_init (int    *argc,
           char ***argv)
{
  setlocale (LC_ALL, "");
  g_log_set_writer_func (test_log_writer, NULL, NULL);
  g_test_init (argc, argv, NULL);
  g_test_message ("timeout scale: %g (%s)", test_get_timeout_scale (), TEST_TIMEOUT_SCALE_VARIABLE);
}

/* Time */

double
test_get_timeout_scale (void)
{
  static double scale = 0;

  if (scale == 0)
    {
      const char *text = g_getenv (TEST_TIMEOUT_SCALE_VARIABLE);
      double value = 1;

      if (text != NULL && *text != '\0')
        {
          char *end = NULL;

          value = g_ascii_strtod (text, &end);
          if (end == text || *end != '\0' || !(value >= 1))
            g_error ("%s=%s: not a number >= 1", TEST_TIMEOUT_SCALE_VARIABLE, text);
        }
#ifdef TEST_HAVE_VALGRIND
      if (RUNNING_ON_VALGRIND && value < TEST_VALGRIND_SCALE)
        value = TEST_VALGRIND_SCALE;
#endif
      scale = value;
    }

  return scale;
}

double
test_scaled (double seconds)
{
  return seconds * test_get_timeout_scale ();
}

double
test_seconds_since (gint64 monotonic_start)
{
  return (g_get_monotonic_time () - monotonic_start) / (double) G_USEC_PER_SEC;
}

void
test_assert_elapsed_real (double      elapsed,
                          double      at_least,
                          double      at_most_unscaled,
                          const char *file,
                          int         line,
                          const char *func)
{
  double at_most = test_scaled (at_most_unscaled);
  char *message;

  g_test_message ("elapsed %.3f s, expected %.3g s to %.3g s", elapsed, at_least, at_most);
  if (elapsed >= at_least && elapsed <= at_most)
    return;

  message = g_strdup_printf ("took %.3f s, expected between %.3g s and %.3g s",
                             elapsed, at_least, at_most);
  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
  g_free (message);
}

/* Waiting */

struct _TestWait
{
  gint64 deadline;
};

static gboolean
on_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* One blocking iteration of @context, woken up within a tick. */
static void
iterate_with_tick (GMainContext *context)
{
  GSource *tick = g_timeout_source_new (TEST_WAIT_TICK_MS);

  g_source_set_callback (tick, on_tick, NULL, NULL);
  g_source_attach (tick, context);
  g_main_context_iteration (context, TRUE);
  g_source_destroy (tick);
  g_source_unref (tick);
}

static gint64
wait_deadline (void)
{
  return g_get_monotonic_time () + (gint64) (test_scaled (TEST_WAIT_SECONDS) * G_USEC_PER_SEC);
}

static void
wait_timed_out (const char *what,
                const char *file,
                int         line,
                const char *func)
{
  char *message = g_strdup_printf ("timed out after %.0f s waiting for: %s",
                                   test_scaled (TEST_WAIT_SECONDS), what);

  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
  g_free (message);
}

void
test_wait_until_real (GMainContext  *context,
                      TestCondition  condition,
                      gpointer       user_data,
                      const char    *what,
                      const char    *file,
                      int            line,
                      const char    *func)
{
  gint64 deadline = wait_deadline ();
  GMainContext *own = context != NULL ? g_main_context_ref (context)
                                      : g_main_context_ref_thread_default ();

  while (!condition (user_data))
    {
      if (g_get_monotonic_time () >= deadline)
        {
          wait_timed_out (what, file, line, func);
          break;
        }
      iterate_with_tick (own);
    }

  g_main_context_unref (own);
}

TestWait *
test_wait_begin (void)
{
  TestWait *wait = g_new0 (TestWait, 1);

  wait->deadline = wait_deadline ();
  return wait;
}

/* Returns FALSE, and frees @wait, when the wait is over: @done, or the
 * deadline passed (which fails the test). */
gboolean
test_wait_continue (TestWait   *wait,
                    gboolean    done,
                    const char *what,
                    const char *file,
                    int         line,
                    const char *func)
{
  GMainContext *context;

  if (done)
    {
      g_free (wait);
      return FALSE;
    }

  if (g_get_monotonic_time () >= wait->deadline)
    {
      g_free (wait);
      wait_timed_out (what, file, line, func);
      return FALSE;
    }

  context = g_main_context_ref_thread_default ();
  iterate_with_tick (context);
  g_main_context_unref (context);
  return TRUE;
}

void
test_drain_main_context (void)
{
  GMainContext *context = g_main_context_ref_thread_default ();

  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);
}

void
test_unref_and_wait (gpointer object)
{
  GObject *weak = object;

  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  g_object_unref (object);
  TEST_WAIT_UNTIL (weak == NULL);
}
