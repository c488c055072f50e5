export type { Harness, ReceivedWebhook } from './harness.js';
export { startHarness, startReceiver, waitFor } from './harness.js';
