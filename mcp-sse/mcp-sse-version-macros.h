/* mcp-sse-version-macros.h: symbol visibility and versioned availability
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <glib.h>

#include <mcp-sse/mcp-sse-version.h>

#ifndef _MCP_SSE_EXTERN
# if defined(MCP_SSE_COMPILATION) && defined(__GNUC__)
#  define _MCP_SSE_EXTERN __attribute__((visibility("default"))) extern
# else
#  define _MCP_SSE_EXTERN extern
# endif
#endif

#define MCP_SSE_AVAILABLE_IN_ALL _MCP_SSE_EXTERN

/**
 * MCP_SSE_VERSION_1_0:
 *
 * The encoded version 1.0, for %MCP_SSE_VERSION_MIN_REQUIRED and
 * %MCP_SSE_VERSION_MAX_ALLOWED.
 *
 * Since: 1.2
 */
#define MCP_SSE_VERSION_1_0 (G_ENCODE_VERSION (1, 0))

/**
 * MCP_SSE_VERSION_1_2:
 *
 * The encoded version 1.2, for %MCP_SSE_VERSION_MIN_REQUIRED and
 * %MCP_SSE_VERSION_MAX_ALLOWED.
 *
 * Since: 1.2
 */
#define MCP_SSE_VERSION_1_2 (G_ENCODE_VERSION (1, 2))

/* A development version (odd minor) counts as the stable one it leads to. */
#if (MCP_SSE_MINOR_VERSION % 2)
# define MCP_SSE_VERSION_CUR_STABLE \
         (G_ENCODE_VERSION (MCP_SSE_MAJOR_VERSION, MCP_SSE_MINOR_VERSION + 1))
#else
# define MCP_SSE_VERSION_CUR_STABLE \
         (G_ENCODE_VERSION (MCP_SSE_MAJOR_VERSION, MCP_SSE_MINOR_VERSION))
#endif

/**
 * MCP_SSE_VERSION_MIN_REQUIRED:
 *
 * The oldest version of the library the application is written for; it
 * hears of no deprecation made after that version. Define it before
 * including `<mcp-sse/mcp-sse.h>`, to one of the `MCP_SSE_VERSION_*`
 * values; by default it is the current stable version.
 *
 * Since: 1.2
 */
#ifndef MCP_SSE_VERSION_MIN_REQUIRED
# define MCP_SSE_VERSION_MIN_REQUIRED (MCP_SSE_VERSION_CUR_STABLE)
#endif

/**
 * MCP_SSE_VERSION_MAX_ALLOWED:
 *
 * The newest version of the library the application may use: a function
 * added after it warns when used. Define it before including
 * `<mcp-sse/mcp-sse.h>`, to one of the `MCP_SSE_VERSION_*` values; by
 * default it is the current stable version.
 *
 * Since: 1.2
 */
#ifndef MCP_SSE_VERSION_MAX_ALLOWED
# if MCP_SSE_VERSION_MIN_REQUIRED > MCP_SSE_VERSION_CUR_STABLE
#  define MCP_SSE_VERSION_MAX_ALLOWED (MCP_SSE_VERSION_MIN_REQUIRED)
# else
#  define MCP_SSE_VERSION_MAX_ALLOWED (MCP_SSE_VERSION_CUR_STABLE)
# endif
#endif

#if MCP_SSE_VERSION_MAX_ALLOWED < MCP_SSE_VERSION_MIN_REQUIRED
# error "MCP_SSE_VERSION_MAX_ALLOWED must be >= MCP_SSE_VERSION_MIN_REQUIRED"
#endif
#if MCP_SSE_VERSION_MIN_REQUIRED < MCP_SSE_VERSION_1_0
# error "MCP_SSE_VERSION_MIN_REQUIRED must be >= MCP_SSE_VERSION_1_0"
#endif

/* The function-like helpers have private names, and the public names are
 * aliases of them: the introspection data stays free of macros that no
 * binding could use. */
#ifdef MCP_SSE_DISABLE_DEPRECATION_WARNINGS
# define _MCP_SSE_DEPRECATED _MCP_SSE_EXTERN
# define _MCP_SSE_DEPRECATED_FOR(f) _MCP_SSE_EXTERN
# define _MCP_SSE_UNAVAILABLE(maj,min) _MCP_SSE_EXTERN
#else
# define _MCP_SSE_DEPRECATED G_DEPRECATED _MCP_SSE_EXTERN
# define _MCP_SSE_DEPRECATED_FOR(f) G_DEPRECATED_FOR (f) _MCP_SSE_EXTERN
# define _MCP_SSE_UNAVAILABLE(maj,min) G_UNAVAILABLE (maj, min) _MCP_SSE_EXTERN
#endif

#define MCP_SSE_DEPRECATED _MCP_SSE_DEPRECATED
#define MCP_SSE_DEPRECATED_FOR _MCP_SSE_DEPRECATED_FOR
#define MCP_SSE_UNAVAILABLE _MCP_SSE_UNAVAILABLE

/* 1.0 */
#define MCP_SSE_AVAILABLE_IN_1_0 _MCP_SSE_EXTERN

/* 1.2 */
#if MCP_SSE_VERSION_MIN_REQUIRED >= MCP_SSE_VERSION_1_2
# define _MCP_SSE_DEPRECATED_IN_1_2 _MCP_SSE_DEPRECATED
# define _MCP_SSE_DEPRECATED_IN_1_2_FOR(f) _MCP_SSE_DEPRECATED_FOR (f)
#else
# define _MCP_SSE_DEPRECATED_IN_1_2 _MCP_SSE_EXTERN
# define _MCP_SSE_DEPRECATED_IN_1_2_FOR(f) _MCP_SSE_EXTERN
#endif
#define MCP_SSE_DEPRECATED_IN_1_2 _MCP_SSE_DEPRECATED_IN_1_2
#define MCP_SSE_DEPRECATED_IN_1_2_FOR _MCP_SSE_DEPRECATED_IN_1_2_FOR

#if MCP_SSE_VERSION_MAX_ALLOWED < MCP_SSE_VERSION_1_2
# define MCP_SSE_AVAILABLE_IN_1_2 _MCP_SSE_UNAVAILABLE (1, 2)
#else
# define MCP_SSE_AVAILABLE_IN_1_2 _MCP_SSE_EXTERN
#endif
