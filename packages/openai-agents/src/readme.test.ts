import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README usage', () => {
  it('every line of its code block is in the typechecked test/readme-usage.ts', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const typed = readFileSync(new URL('../test/readme-usage.ts', import.meta.url), 'utf8').replaceAll(
      "'../src/index.js'",
      "'@contro1/openai-agents'",
    );
    expect(block.length).toBeGreaterThan(100);
    for (const line of block.split('\n').filter((l) => l.trim())) expect(typed).toContain(line);
  });
});
