// loopback.js: preloaded with `node --require` in front of a third-party
// server that listens on every interface, so that the interop tests only
// ever open ports on 127.0.0.1.
//
// Every TCP listen of the process is moved to 127.0.0.1, whatever host it
// asked for.  The first one that succeeds prints `LISTENING <port>` on
// standard output, so that a test can start the server on port 0 and learn
// the port the kernel chose instead of guessing a free one.
//
// SPDX-License-Identifier: LGPL-2.1-or-later

'use strict';

const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;
let announced = false;

function isPort (value) {
  if (typeof value === 'number')
    return true;
  return typeof value === 'string' && /^[0-9]+$/.test(value);
}

// Rewrites the arguments of listen() so that a TCP listen names 127.0.0.1.
// Pipes, handles and file descriptors are left alone.
function bindToLoopback (args) {
  if (args.length === 0 || typeof args[0] === 'function')
    return [0, LOOPBACK, ...args];

  const first = args[0];

  if (isPort(first)) {
    const rest = args.slice(1);
    if (typeof rest[0] === 'string')
      rest.shift();
    return [Number(first), LOOPBACK, ...rest];
  }

  if (first !== null && typeof first === 'object' && first.path === undefined &&
      first.fd === undefined && first.handle === undefined && first._handle === undefined) {
    const options = { ...first, host: LOOPBACK };
    delete options.ipv6Only;
    return [options, ...args.slice(1)];
  }

  return args;
}

function announce () {
  const address = this.address();
  if (announced || address === null || typeof address !== 'object')
    return;
  announced = true;
  process.stdout.write(`LISTENING ${address.port}\n`);
}

net.Server.prototype.listen = function (...args) {
  this.once('listening', announce);
  return originalListen.apply(this, bindToLoopback(args));
};
