import { createRequire } from 'node:module';
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// n8n-workflow's ESM build has extension-less imports that plain Node cannot load; n8n itself uses the CJS build.
const n8nWorkflow = createRequire(import.meta.url).resolve('n8n-workflow');

export default mergeConfig(
  shared,
  defineConfig({
    resolve: { alias: { 'n8n-workflow': n8nWorkflow } },
  }),
);
