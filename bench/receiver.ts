import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The webhook receiver of the latency benchmark, in its own process so the load generator's event loop does not
 * delay it. Prints `ready <port>`, then one line per webhook: `<request id> <epoch ms with µs>`, stamped when the
 * request arrives. Lines are written once per turn, not once per webhook: a write to the pipe is a system call, and
 * 200 of them in a burst delayed the later arrivals' handling by milliseconds.
 */
let lines: string[] = [];
const flush = () => {
  process.stdout.write(lines.join(''));
  lines = [];
};
const server = createServer((req, res) => {
  const at = performance.timeOrigin + performance.now();
  if (lines.length === 0) setImmediate(flush);
  lines.push(`${String(req.headers['x-centcom-request-id'])} ${at.toFixed(3)}\n`);
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
