export { missingLines, readmeBlocks } from './readme-blocks.js';
export type { Probe } from './service-gate.js';
export { probeExecutable, probeTcp, serviceGate } from './service-gate.js';
