import { missingLines, readmeBlocks } from '@contro1/test-utils';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('every line of its code blocks is in the typechecked test/readme-usage.ts', () => {
    const { blocks, typed } = readmeBlocks(
      new URL('../README.md', import.meta.url),
      new URL('../test/readme-usage.ts', import.meta.url),
      '../src/index.js',
      '@contro1/langgraph',
    );
    expect(blocks.length).toBeGreaterThan(0);
    expect(missingLines(blocks, typed)).toEqual([]);
  });
});
