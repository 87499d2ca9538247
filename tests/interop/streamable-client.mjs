// streamable-client.mjs: the TypeScript SDK's Client over its
// StreamableHTTPClientTransport, against the demo server's /mcp.
//
//   node streamable-client.mjs URL
//
// Lists the tools, calls add and slow (with progress), then ends the
// session with DELETE. Prints one `name value` line per check and exits
// with 1 when something is not what the demo server sends.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

const sdk = new URL('node_modules/@modelcontextprotocol/sdk/dist/esm/', import.meta.url);
const { Client } = await import(new URL('client/index.js', sdk));
const { StreamableHTTPClientTransport } = await import(new URL('client/streamableHttp.js', sdk));

function check(condition, what) {
  if (!condition) {
    console.error(`streamable-client: ${what}`);
    process.exit(1);
  }
}

const url = process.argv[2];
check(url !== undefined, 'usage: node streamable-client.mjs URL');

const transport = new StreamableHTTPClientTransport(new URL(url));
const client = new Client({ name: 'streamable-client', version: '1.0.0' });
await client.connect(transport);

check(typeof transport.sessionId === 'string' && transport.sessionId.length > 0, 'no session id');
console.log(`server ${client.getServerVersion().name}`);
console.log(`protocol ${transport.protocolVersion}`);

const { tools } = await client.listTools();
console.log(`tools ${tools.map((tool) => tool.name).join(',')}`);

const sum = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
check(sum.structuredContent?.sum === 42, `add: ${JSON.stringify(sum)}`);
console.log(`add ${sum.content[0].text}`);

const progress = [];
const slow = await client.callTool({ name: 'slow', arguments: { steps: 3, interval_ms: 10 } }, undefined, {
  onprogress: (p) => progress.push(p.progress),
});
check(slow.content[0].text === 'done', `slow: ${JSON.stringify(slow)}`);
console.log(`progress ${progress.join(',')}`);
console.log(`slow ${slow.content[0].text}`);

await transport.terminateSession();
check(transport.sessionId === undefined, 'the session id outlived DELETE');
console.log('terminated yes');
await client.close();
