/* mcp-sse-test-utils.h: what every test program of mcp-sse shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Setup
 *
 * test_init() is g_test_init() plus the locale of the environment and a
 * log writer under which every warning or critical that the test did not
 * expect with g_test_expect_message() aborts the test program. */

void     test_init                  (int    *argc,
                                     char ***argv);

/* Time
 *
 * One factor stretches every deadline a test gives itself and every upper
 * bound of a timing assertion: the value of MCP_SSE_TEST_TIMEOUT_SCALE (a
 * number >= 1; 1 when unset), and at least 10 under valgrind. Lower bounds
 * are never scaled: a timer must not fire early, however fast the machine. */

#define TEST_TIMEOUT_SCALE_VARIABLE "MCP_SSE_TEST_TIMEOUT_SCALE"

/* How long, before scaling, any wait may take: waits only reach it when a
 * test is failing. */
#define TEST_WAIT_SECONDS 30.0

double   test_get_timeout_scale     (void);
double   test_scaled                (double       seconds);
double   test_seconds_since         (gint64       monotonic_start);
void     test_assert_elapsed_real   (double       elapsed,
                                     double       at_least,
                                     double       at_most_unscaled,
                                     const char  *file,
                                     int          line,
                                     const char  *func);

/* Asserts @at_least <= @elapsed <= test_scaled (@at_most), seconds. */
#define test_assert_elapsed(elapsed, at_least, at_most)                       \
  test_assert_elapsed_real ((elapsed), (at_least), (at_most),                 \
                            __FILE__, __LINE__, G_STRFUNC)

/* Waiting
 *
 * Iterates @context (NULL: the thread-default one) until @condition
 * returns TRUE; fails the test, naming @what, when it has not after
 * test_scaled (TEST_WAIT_SECONDS). The context wakes up every few
 * milliseconds, so that a condition made true by another thread is seen
 * without any event on @context. */

typedef gboolean (*TestCondition) (gpointer user_data);

void     test_wait_until_real       (GMainContext  *context,
                                     TestCondition  condition,
                                     gpointer       user_data,
                                     const char    *what,
                                     const char    *file,
                                     int            line,
                                     const char    *func);

#define test_wait_until(context, condition, user_data)                        \
  test_wait_until_real ((context), (condition), (user_data), #condition,      \
                        __FILE__, __LINE__, G_STRFUNC)

/* The same for an expression, on the thread-default context. */
typedef struct _TestWait TestWait;

TestWait *test_wait_begin           (void);
gboolean  test_wait_continue        (TestWait    *wait,
                                     gboolean     done,
                                     const char  *what,
                                     const char  *file,
                                     int          line,
                                     const char  *func);

#define TEST_WAIT_UNTIL(condition)                                            \
  G_STMT_START {                                                              \
    TestWait *test_wait__ = test_wait_begin ();                               \
    while (test_wait_continue (test_wait__, (condition), #condition,          \
                               __FILE__, __LINE__, G_STRFUNC))                \
      ;                                                                       \
  } G_STMT_END

/* Runs what is ready on the thread-default context now, without waiting
 * for any timer or descriptor. */
void     test_drain_main_context    (void);

/* Drops the last reference to @object and waits until it is finalized. */
void     test_unref_and_wait        (gpointer     object);

/* Random JSON
 *
 * test_rand_new() is seeded from g_test_rand_int(), so that a failing case
 * comes back with the same --seed (GTest prints the run's seed). */

typedef enum
{
  TEST_JSON_DEFAULT = 0,
  /* Nothing that JsonGenerator of json-glib 1.6 writes as text that is not
   * JSON: no U+001F in a string or member name, no double whose shortest
   * text has an exponent but no point. */
  TEST_JSON_GENERATOR_SAFE = 1 << 0,
} TestJsonFlags;

GRand    *test_rand_new             (void);
char     *test_random_string        (GRand         *rand,
                                     TestJsonFlags  flags);
gint64    test_random_int           (GRand         *rand);
double    test_random_double        (GRand         *rand,
                                     TestJsonFlags  flags);
JsonNode *test_random_json          (GRand         *rand,
                                     guint          max_depth,
                                     TestJsonFlags  flags);
gboolean  test_json_generator_writes_valid_double (double value);
void      test_assert_same_json     (JsonNode      *a,
                                     JsonNode      *b);

/* Child processes and ports */

void      test_launcher_die_with_parent (GSubprocessLauncher *launcher);
char     *test_read_line            (GDataInputStream *stream,
                                     const char       *what);
void      test_wait_until_accepting (const char    *address,
                                     guint16        port);

G_END_DECLS
