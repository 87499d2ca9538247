/* mcp-sse.h: the umbrella header of libmcp-sse
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define MCP_SSE_INSIDE

#include <mcp-sse/mcp-sse-version.h>
#include <mcp-sse/mcp-sse-version-macros.h>
#include <mcp-sse/mcp-sse-enum-types.h>
#include <mcp-sse/mcp-sse-error.h>
#include <mcp-sse/mcp-sse-error-details.h>
#include <mcp-sse/mcp-sse-event.h>
#include <mcp-sse/mcp-sse-event-parser.h>
#include <mcp-sse/mcp-sse-transport.h>
#include <mcp-sse/mcp-sse-authorizer.h>
#include <mcp-sse/mcp-sse-bearer-authorizer.h>
#include <mcp-sse/mcp-sse-connection-manager.h>
#include <mcp-sse/mcp-sse-stdio-transport.h>
#include <mcp-sse/mcp-sse-client.h>

#undef MCP_SSE_INSIDE
