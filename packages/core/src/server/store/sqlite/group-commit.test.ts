import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

function setup(sync?: () => Promise<void>) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v INTEGER UNIQUE)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const write = createGroupCommit(db, sync);
  return { db, write, insert };
}

describe('group commit', () => {
  it('shares one transaction per turn, rolls back only the failing write, and acknowledges after sync', async () => {
    let release: () => void = () => undefined;
    let syncs = 0;
    const { db, write, insert } = setup(() => {
      syncs++;
      return new Promise<void>((r) => {
        release = r;
      });
    });
    let settled = 0;
    const writes = [1, 2, 2, 3].map((v) =>
      write(() => insert.run(v)).then(
        () => settled++,
        () => settled++,
      ),
    );
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(syncs).toBe(1);
    expect(settled).toBe(0);
    expect(db.prepare('SELECT v FROM t ORDER BY v').all()).toEqual([{ v: 1 }, { v: 2 }, { v: 3 }]);
    release();
    await Promise.all(writes);
    expect(settled).toBe(4);
  });

  it('a failed sync acknowledges nothing in the batch', async () => {
    const { write, insert } = setup(() => Promise.reject(new Error('EIO')));
    const results = await Promise.allSettled([write(() => insert.run(1)), write(() => insert.run(2))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
