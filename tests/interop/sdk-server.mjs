// sdk-server.mjs: an MCP server on the TypeScript SDK's SSEServerTransport
// over plain node:http, the way the SDK's own examples set one up.  The
// interop tests run mcp-sse against it.
//
//   PORT=0 node sdk-server.mjs
//
// listens on 127.0.0.1 only and prints `LISTENING <port>` on standard
// output once it accepts connections.  GET /sse opens a session, POST
// /message?sessionId=... carries the client's messages.
//
// Tools:
//   echo {message}                        -> text "Echo: <message>"
//   get-sum {a, b}                        -> text "The sum of a and b is a+b."
//   trigger-long-running-operation {duration, steps}
//                                         -> one notifications/progress per
//                                            step when a progressToken is
//                                            given; stops when cancelled
//   get-tiny-image {size}                 -> a size x size PNG, and a text
//                                            "sha256 <hex> bytes <n>" of it
//   die                                   -> the process exits without
//                                            answering
//   close-session                         -> the server ends this session's
//                                            stream cleanly, without
//                                            answering
// An unknown tool is a JSON-RPC error (-32602), not an isError result.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { createHash } from 'node:crypto';
import http from 'node:http';
import { deflateSync } from 'node:zlib';

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';

const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes back the input string',
    inputSchema: {
      type: 'object',
      properties: { message: { type: 'string' } },
      required: ['message'],
    },
  },
  {
    name: 'get-sum',
    description: 'Returns the sum of two numbers',
    inputSchema: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
  },
  {
    name: 'trigger-long-running-operation',
    description: 'Sleeps in steps, reporting progress after each one',
    inputSchema: {
      type: 'object',
      properties: { duration: { type: 'number' }, steps: { type: 'number' } },
    },
  },
  {
    name: 'get-tiny-image',
    description: 'Returns a generated PNG image and its SHA-256',
    inputSchema: {
      type: 'object',
      properties: { size: { type: 'number' } },
    },
  },
  {
    name: 'die',
    description: 'Ends the server process without answering',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'close-session',
    description: 'Ends the SSE stream of this session without answering',
    inputSchema: { type: 'object', properties: {} },
  },
];

function text (value) {
  return { content: [{ type: 'text', text: value }] };
}

function requireNumber (args, name) {
  const value = args?.[name];
  if (typeof value !== 'number')
    throw new McpError(ErrorCode.InvalidParams, `${name} must be a number`);
  return value;
}

function crc32 (bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++)
      crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk (type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  const crc = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

// An RGB gradient: every pixel differs from its neighbours, so the
// compressed data is not trivially short.
function makePng (size) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);

  const rows = Buffer.alloc(size * (1 + 3 * size));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + 3 * size);
    for (let x = 0; x < size; x++)
      rows.set([(x * 7) & 0xff, (y * 13) & 0xff, (x * y) & 0xff], row + 1 + 3 * x);
  }

  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function waitOrAbort (ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('cancelled'));
    }, { once: true });
  });
}

async function longRunning (args, extra) {
  const duration = args?.duration ?? 10;
  const steps = args?.steps ?? 5;
  const token = extra._meta?.progressToken;

  for (let step = 1; step <= steps; step++) {
    await waitOrAbort((duration * 1000) / steps, extra.signal);
    if (token !== undefined) {
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: step, total: steps, message: `step ${step}` },
      });
    }
  }
  return text(`Long running operation completed. Duration: ${duration} seconds, Steps: ${steps}.`);
}

function tinyImage (args) {
  const size = args?.size ?? 16;
  if (!Number.isInteger(size) || size < 1 || size > 2048)
    throw new McpError(ErrorCode.InvalidParams, 'size must be an integer from 1 to 2048');
  const png = makePng(size);
  const digest = createHash('sha256').update(png).digest('hex');
  return {
    content: [
      { type: 'image', data: png.toString('base64'), mimeType: 'image/png' },
      { type: 'text', text: `sha256 ${digest} bytes ${png.length}` },
    ],
  };
}

async function callTool (server, request, extra) {
  const { name, arguments: args } = request.params;

  switch (name) {
    case 'echo':
      if (typeof args?.message !== 'string')
        throw new McpError(ErrorCode.InvalidParams, 'message must be a string');
      return text(`Echo: ${args.message}`);
    case 'get-sum': {
      const a = requireNumber(args, 'a');
      const b = requireNumber(args, 'b');
      return text(`The sum of ${a} and ${b} is ${a + b}.`);
    }
    case 'trigger-long-running-operation':
      return longRunning(args, extra);
    case 'get-tiny-image':
      return tinyImage(args);
    case 'die':
      // Late enough for the POST's 202 to have been written.
      setTimeout(() => process.exit(0), 20);
      return new Promise(() => {});
    case 'close-session':
      // Ends the response of the GET: the last chunk, then a clean EOF.
      setTimeout(() => server.close(), 20);
      return new Promise(() => {});
    default:
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  }
}

function createSession () {
  const server = new Server(
    { name: 'mcp-sse-interop-sdk-server', version: '1.0.0' },
    { capabilities: { tools: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(server, request, extra));
  return server;
}

const transports = new Map();

async function openStream (res) {
  const transport = new SSEServerTransport('/message', res);
  transports.set(transport.sessionId, transport);
  transport.onclose = () => transports.delete(transport.sessionId);
  await createSession().connect(transport);
}

async function handleRequest (req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');

  if (req.method === 'GET' && url.pathname === '/sse')
    return openStream(res);

  if (req.method === 'POST' && url.pathname === '/message') {
    const transport = transports.get(url.searchParams.get('sessionId'));
    if (transport === undefined)
      return res.writeHead(404).end('Unknown session');
    return transport.handlePostMessage(req, res);
  }

  res.writeHead(404).end('Not found');
}

const httpServer = http.createServer((req, res) => {
  handleRequest(req, res).catch((error) => {
    if (!res.headersSent)
      res.writeHead(500).end(String(error));
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${httpServer.address().port}\n`);
});
