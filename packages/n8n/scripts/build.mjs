// Builds the CommonJS files n8n loads with require(). What the node needs from @contro1/core (webhook signature
// checks, deterministic ids) is bundled in; n8n-workflow is provided by n8n itself. No runtime dependencies remain.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    'nodes/Contro1/Contro1.node': 'nodes/Contro1/Contro1.node.ts',
    'credentials/Contro1Api.credentials': 'credentials/Contro1Api.credentials.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  conditions: ['@contro1/source'],
  external: ['n8n-workflow'],
  logLevel: 'warning',
});
mkdirSync('dist/nodes/Contro1', { recursive: true });
for (const icon of ['contro1.light.svg', 'contro1.dark.svg'])
  copyFileSync(`nodes/Contro1/${icon}`, `dist/nodes/Contro1/${icon}`);
