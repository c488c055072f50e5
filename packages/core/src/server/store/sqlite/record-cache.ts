import type BetterSqlite3 from 'better-sqlite3';

/**
 * Parsed organisation, credential and reviewer rows, read on every authenticated call and every decision. An entry is served only while nothing
 * can have changed it: the store clears the cache after its own writes to those tables, and `PRAGMA data_version`
 * (which moves when another connection, such as the admin CLI, commits) is read once per event-loop turn, before the
 * turn's first lookup. Every call looked up in a turn arrived before that read, so a key revoked by the CLI is
 * refused on every call that arrives after the revocation commits, as without the cache.
 */
export function createRecordCache(db: BetterSqlite3.Database) {
  // Each statement outside a transaction takes the WAL read locks (system calls), so the version is read once per turn.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  let seen = dataVersion.get();
  let checked = false;
  const recheck = () => {
    checked = false;
  };
  const entries = new Map<string, unknown>();

  return {
    get<T extends object>(key: string, load: () => T | undefined): T | undefined {
      if (!checked) {
        checked = true;
        setImmediate(recheck);
        const version = dataVersion.get();
        if (version !== seen) {
          seen = version;
          entries.clear();
        }
      }
      if (entries.has(key)) return entries.get(key) as T | undefined;
      const value = load();
      // Callers share the cached object, so none of them may change it for the others.
      if (value !== undefined) entries.set(key, deepFreeze(value));
      return value;
    },
    clear() {
      entries.clear();
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
