import { parseArgs } from 'node:util';

export interface McpConfig {
  apiKey: string;
  baseUrl: string;
  transport: 'stdio' | 'http';
  host: string;
  port: number;
  token: string | undefined;
  elicitation: boolean;
  waitBudgetMs: number;
}

export class McpConfigError extends Error {}

/** Flags and environment → configuration, or one sentence that says what to fix. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): McpConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      http: { type: 'boolean', default: false },
      host: { type: 'string' },
      port: { type: 'string' },
      elicitation: { type: 'boolean', default: false },
      'wait-seconds': { type: 'string' },
    },
    strict: true,
  });
  const apiKey = env.CENTCOM_API_KEY ?? env.CONTRO1_API_KEY;
  if (!apiKey)
    throw new McpConfigError(
      'CENTCOM_API_KEY is not set: add it to the MCP server\'s "env" in your client configuration.',
    );
  const baseUrl = env.CENTCOM_BASE_URL ?? env.CONTRO1_BASE_URL ?? 'https://api.contro1.com/api/centcom/v1';
  try {
    new URL(baseUrl);
  } catch {
    throw new McpConfigError(
      `CENTCOM_BASE_URL is not a URL ("${baseUrl}"): use the full …/api/centcom/v1 address.`,
    );
  }
  const port = Number(values.port ?? env.CONTRO1_MCP_PORT ?? '8765');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new McpConfigError('--port must be a whole number from 0 to 65535.');
  const wait = Number(values['wait-seconds'] ?? env.CONTRO1_MCP_WAIT_SECONDS ?? '45');
  if (!(wait >= 1 && wait <= 300))
    throw new McpConfigError(
      "--wait-seconds must be between 1 and 300 (stay below your client's tool timeout).",
    );
  return {
    apiKey,
    baseUrl,
    transport: values.http ? 'http' : 'stdio',
    host: values.host ?? env.CONTRO1_MCP_HOST ?? '127.0.0.1',
    port,
    token: env.CONTRO1_MCP_TOKEN || undefined,
    elicitation: values.elicitation || env.CONTRO1_MCP_ELICITATION === '1',
    waitBudgetMs: wait * 1000,
  };
}
