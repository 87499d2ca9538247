/* mcp-sse-version-macros.h: symbol visibility and availability
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <glib.h>

#ifndef _MCP_SSE_EXTERN
# if defined(MCP_SSE_COMPILATION) && defined(__GNUC__)
#  define _MCP_SSE_EXTERN __attribute__((visibility("default"))) extern
# else
#  define _MCP_SSE_EXTERN extern
# endif
#endif

#define MCP_SSE_AVAILABLE_IN_ALL _MCP_SSE_EXTERN
