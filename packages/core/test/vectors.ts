import { readFileSync } from 'node:fs';

/** Copies of `../shared/vectors` (the spec's machine-readable rows), kept in the repo so CI needs nothing else. */
export const vectorsDir = new URL('./vectors/', import.meta.url);

export function loadVector<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, vectorsDir), 'utf8')) as T;
}

export interface SignatureRow {
  name?: string;
  secret: string;
  timestamp: string;
  body: string;
  signature: string;
  now: number;
}

export interface StandardRow extends SignatureRow {
  id: string;
}
