import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & {
  n8n: { nodes: string[]; credentials: string[] };
};

describe('the published package (built dist, as n8n loads it)', () => {
  it('follows the community-node package rules', () => {
    expect(pkg.keywords).toContain('n8n-community-node-package');
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    expect((pkg.repository as { directory?: string } | undefined)?.directory).toBeUndefined();
    expect(pkg.n8n.nodes).toEqual(['dist/nodes/Contro1/Contro1.node.js']);
    expect(pkg.n8n.credentials).toEqual(['dist/credentials/Contro1Api.credentials.js']);
  });

  it('loads with require() and needs nothing but n8n-workflow and Node built-ins', () => {
    for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
      const code = readFileSync(join(root, file), 'utf8');
      const required = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
      expect([...required].filter((r) => r !== 'n8n-workflow' && !r?.startsWith('node:'))).toEqual([]);
    }
    const load = createRequire(join(root, 'package.json'));
    const { Contro1 } = load('./dist/nodes/Contro1/Contro1.node.js') as {
      Contro1: new () => { description: Record<string, unknown> };
    };
    const { Contro1Api } = load('./dist/credentials/Contro1Api.credentials.js') as {
      Contro1Api: new () => { name: string };
    };
    const description = new Contro1().description;
    expect(description).toMatchObject({
      name: 'contro1',
      displayName: 'Contro1 Approval',
      usableAsTool: true,
    });
    expect(description.credentials).toEqual([{ name: 'contro1Api', required: true }]);
    expect(new Contro1Api().name).toBe('contro1Api');
    readFileSync(join(root, 'dist/nodes/Contro1/contro1.light.svg'));
    readFileSync(join(root, 'dist/nodes/Contro1/contro1.dark.svg'));
  });
});
