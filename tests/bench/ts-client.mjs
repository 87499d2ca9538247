// ts-client.mjs: the TypeScript SDK's Client + SSEClientTransport doing
// what client-bench.c does, for tests/bench/run to compare against.
//
//   node ts-client.mjs flood --url URL [--count N] [--size BYTES]
//   node ts-client.mjs ping --url URL [--count N] [--warmup W]
//
// flood: connects and initializes, calls the demo server's `flood` tool
// and reads every notifications/message through a notification handler
// that adds up params.data.seq; the clock and the CPU time
// (process.cpuUsage(): user + system) run from the call to its result.
// ping: W untimed pings, then N timed ones, one after the other.
//
// Prints `name value` lines, as client-bench does, with the peak RSS of
// the process (max_rss_kb, VmHWM). The SDK comes from tests/interop's
// node_modules (`npm ci` there). Exits with 1 when a count or the checksum
// is not what the server sent.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const sdk = new URL('../interop/node_modules/@modelcontextprotocol/sdk/dist/esm/', import.meta.url);
const { Client } = await import(new URL('client/index.js', sdk));
const { SSEClientTransport } = await import(new URL('client/sse.js', sdk));
const { LoggingMessageNotificationSchema } = await import(new URL('types.js', sdk));

const STEP_TIMEOUT_MS = 300_000;

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    count: { type: 'string' },
    size: { type: 'string', default: '323' },
    warmup: { type: 'string', default: '100' },
  },
});

const mode = positionals[0];
if ((mode !== 'flood' && mode !== 'ping') || options.url === undefined) {
  console.error('Usage: node ts-client.mjs flood|ping --url URL [--count N] [--size BYTES] [--warmup W]');
  process.exit(2);
}
const count = Number(options.count ?? (mode === 'flood' ? 100000 : 2000));
const size = Number(options.size);
const warmup = Number(options.warmup);

function print(name, value) {
  process.stdout.write(`${name} ${value}\n`);
}

// VmHWM, the peak RSS of this process: unlike process.resourceUsage().maxRSS
// (getrusage), it does not count what the parent used before exec().
function peakRssKb() {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)[1]);
}

function cpuSeconds(usage) {
  return (usage.user + usage.system) / 1e6;
}

async function flood(client) {
  let received = 0;
  let checksum = 0;

  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    checksum += notification.params.data.seq;
    received++;
  });

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await client.callTool({ name: 'flood', arguments: { count, size } }, undefined,
                        { timeout: STEP_TIMEOUT_MS });
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(cpuStart));

  const expected = count * (count + 1) / 2;
  if (received !== count || checksum !== expected) {
    throw new Error(`${received} messages with checksum ${checksum}, expected ${count} with ${expected}`);
  }

  print('messages', received);
  print('checksum', checksum);
  print('seconds', seconds.toFixed(6));
  print('cpu_seconds', cpu.toFixed(6));
  print('messages_per_second', (received / seconds).toFixed(0));
}

// The nearest-rank percentile of sorted.
function percentile(sorted, fraction) {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

async function ping(client) {
  const ms = [];

  for (let i = 0; i < warmup; i++) {
    await client.ping({ timeout: STEP_TIMEOUT_MS });
  }
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await client.ping({ timeout: STEP_TIMEOUT_MS });
    ms.push(performance.now() - start);
  }

  ms.sort((a, b) => a - b);
  print('pings', count);
  print('p50_ms', percentile(ms, 0.50).toFixed(4));
  print('p90_ms', percentile(ms, 0.90).toFixed(4));
  print('p99_ms', percentile(ms, 0.99).toFixed(4));
}

const client = new Client({ name: 'ts-client-bench', version: '1.0.0' });
try {
  await client.connect(new SSEClientTransport(new URL(options.url)), { timeout: STEP_TIMEOUT_MS });
  await (mode === 'flood' ? flood(client) : ping(client));
  print('max_rss_kb', peakRssKb());
  await client.close();
} catch (error) {
  console.error(`ts-client: ${error.message}`);
  process.exit(1);
}
