import { CentcomClient } from '@contro1/core';
import { EXIT, ExitError } from './exit-codes.js';

/** The API client from CENTCOM_API_KEY / CENTCOM_BASE_URL (or CONTRO1_*), or a sentence saying what is missing. */
export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): CentcomClient {
  if (!env.CENTCOM_API_KEY && !env.CONTRO1_API_KEY) {
    throw new ExitError(
      EXIT.auth,
      'CENTCOM_API_KEY is not set: export the agent API key (cc_…) of your organisation.',
    );
  }
  return new CentcomClient({ env, userAgent: 'contro1-cli' });
}
