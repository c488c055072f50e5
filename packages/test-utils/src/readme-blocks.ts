import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The `ts` code blocks of a README, and the typechecked file that holds them (with the package's own name written
 * as a relative import there). Tests assert every block line appears in the typed file, so README examples compile.
 */
export function readmeBlocks(
  readme: URL,
  typed: URL,
  localImport: string,
  packageName: string,
): { blocks: string[]; typed: string } {
  const text = readFileSync(readme, 'utf8');
  return {
    blocks: [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string),
    typed: readFileSync(typed, 'utf8').replaceAll(`'${localImport}'`, `'${packageName}'`),
  };
}

/** Lines of `blocks` (trimmed, non-empty) that the typed file does not contain. */
export function missingLines(blocks: readonly string[], typed: string): string[] {
  return blocks.flatMap((b) =>
    b
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !typed.includes(l)),
  );
}

/** The README test every package runs: each line of its `ts` blocks is in the typechecked test/readme-usage.ts. */
export function describeReadme(packageUrl: URL, packageName: string, localImport = '../src/index.js'): void {
  describe('README', () => {
    it('every line of its code blocks is in the typechecked test/readme-usage.ts', () => {
      const { blocks, typed } = readmeBlocks(
        new URL('README.md', packageUrl),
        new URL('test/readme-usage.ts', packageUrl),
        localImport,
        packageName,
      );
      expect(blocks.length).toBeGreaterThan(0);
      expect(missingLines(blocks, typed)).toEqual([]);
    });
  });
}
