import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The webhook receiver of the latency benchmark, in its own process so the load generator's event loop does not
 * delay it. Prints `ready <port>`, then one line per webhook: `<request id> <epoch ms with µs>`.
 */
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    process.stdout.write(`${String(req.headers['x-centcom-request-id'])} ${at.toFixed(3)}\n`);
    res.writeHead(200).end();
  });
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
