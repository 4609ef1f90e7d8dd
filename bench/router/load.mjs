#!/usr/bin/env node
/**
 * The load generator of bench/router, run by run.mjs as its own process (pinned with
 * `taskset -c 1`): autocannon POSTs one JSON body for a fixed time and this prints one JSON line
 * with what run.mjs needs.
 *
 *   node bench/router/load.mjs URL BODY_FILE SECONDS CONNECTIONS PIPELINING
 *
 * Output: {"reqPerSec": mean, "latencyP99": ms, "requests": n, "ok2xx": n, "non2xx": n,
 *          "errors": n, "timeouts": n, "statusCodes": {...}, "bytesPerReq": n}
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, bodyFile, seconds, connections, pipelining] = process.argv.slice(2);
if (!url || !bodyFile || !seconds || !connections || !pipelining) {
  console.error('usage: node bench/router/load.mjs URL BODY_FILE SECONDS CONNECTIONS PIPELINING');
  process.exit(2);
}

const result = await autocannon({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: readFileSync(bodyFile, 'utf8'),
  duration: Number(seconds),
  connections: Number(connections),
  pipelining: Number(pipelining),
});

const statusCodes = Object.fromEntries(
  Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
);
console.log(
  JSON.stringify({
    reqPerSec: result.requests.mean,
    latencyP99: result.latency.p99,
    requests: result.requests.total,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    bytesPerReq: result.requests.total > 0 ? result.throughput.total / result.requests.total : 0,
  }),
);
