export type { Probe } from './service-gate.js';
export { probeExecutable, probeTcp, serviceGate } from './service-gate.js';
