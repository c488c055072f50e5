import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

// n8n's own community-node rules (the config `n8n-node lint` runs) over what the package ships: nodes/,
// credentials/ and package.json. The test harness and build script never reach n8n.
export default [...config, globalIgnores(['test', 'scripts', 'vitest.config.ts', 'eslint.config.mjs'])];
