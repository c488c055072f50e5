import { type Model, type ModelRequest, type ModelResponse, Usage } from '@openai/agents';

/**
 * Stand-in for an LLM so the story runs unattended (set USE_REAL_MODEL=1 with OPENAI_API_KEY to use a real one):
 * it pays every vendor the user lists, then reports what each tool call returned.
 */
export function paymentsScript(): Model {
  const respond = (request: ModelRequest): ModelResponse['output'] => {
    const items = Array.isArray(request.input) ? (request.input as unknown as Record<string, unknown>[]) : [];
    const results = items.filter((i) => i.type === 'function_call_result');
    if (results.length > 0) {
      const lines = results.map((r) => {
        const output = r.output as { text?: string } | string;
        return typeof output === 'string' ? output : (output.text ?? '');
      });
      return [
        {
          type: 'message',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: lines.join('\n') }],
        },
      ];
    }
    const text =
      typeof request.input === 'string'
        ? request.input
        : String(items.find((i) => i.role === 'user')?.content ?? '');
    return [...text.matchAll(/\$([\d,]+) to (\w+)/g)].map((m, i) => ({
      type: 'function_call',
      callId: `call_${i}`,
      name: 'send_payment',
      arguments: JSON.stringify({ to: m[2], amount: Number(m[1]?.replaceAll(',', '')) }),
      status: 'completed',
    }));
  };
  return {
    getResponse: async (request) => ({
      usage: new Usage(),
      output: respond(request),
      responseId: 'scripted',
    }),
    getStreamedResponse() {
      throw new Error('The scripted model does not stream');
    },
  };
}
