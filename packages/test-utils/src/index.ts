export { postgresGate, TEST_DATABASE_URL } from './postgres.js';
export { describeReadme, missingLines, readmeBlocks } from './readme-blocks.js';
export type { Probe } from './service-gate.js';
export { probeExecutable, probeTcp, serviceGate } from './service-gate.js';
