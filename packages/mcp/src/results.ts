import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A result with both the JSON text (for clients that read content) and `structuredContent` (for output schemas). */
export function structured(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

/** A tool error the model can read and act on; the server keeps running. */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
