import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('its code blocks are the typechecked test/readme-usage.ts', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const typed = readFileSync(new URL('../test/readme-usage.ts', import.meta.url), 'utf8').replaceAll(
      "from '../src/index.js'",
      "from '@contro1/langgraph'",
    );
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks).toHaveLength(2);
    for (const block of blocks) {
      for (const line of block.trim().split('\n')) expect(typed).toContain(line.trim());
    }
  });
});
