import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README usage', () => {
  it('is the typechecked test/readme-usage.ts', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const typed = readFileSync(new URL('../test/readme-usage.ts', import.meta.url), 'utf8');
    expect(block.length).toBeGreaterThan(100);
    expect(typed.endsWith(block)).toBe(true);
  });
});
