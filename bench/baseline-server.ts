import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';

/**
 * The baseline: a bare node:http handler doing what a create minimally needs, a JSON parse and one fsync'd SQLite
 * insert (WAL, synchronous=FULL), one transaction per request.
 */
const db = new Database(process.argv[2] ?? ':memory:');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS requests (id TEXT PRIMARY KEY, data TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO requests (id, data) VALUES (?, ?)');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
    const id = `req_${randomUUID()}`;
    insert.run(id, JSON.stringify({ ...body, id }));
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ id, request_id: id, state: 'queued' }));
  });
});
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`),
);
