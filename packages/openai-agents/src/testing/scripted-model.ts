import type { Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents';
import { Usage } from '@openai/agents';

/** A call the scripted model makes. */
export interface ScriptedCall {
  name: string;
  arguments: Record<string, unknown>;
  callId: string;
}

type Output = ModelResponse['output'];

function inputItems(request: ModelRequest): Record<string, unknown>[] {
  return Array.isArray(request.input) ? (request.input as unknown as Record<string, unknown>[]) : [];
}

/**
 * Stands in for an LLM (none can run here; this is the one mock the tests use): on a fresh turn it calls the
 * scripted tools; once tool results are in the input it answers with a message listing them, so the tests can see
 * exactly what the model was told (including rejection messages).
 */
export function scriptedModel(plan: (userText: string) => ScriptedCall[]): Model {
  let responses = 0;
  const respond = (request: ModelRequest): Output => {
    const items = inputItems(request);
    const results = items.filter((i) => i.type === 'function_call_result');
    if (results.length > 0) {
      const text = results
        .map((r) => {
          const output = r.output as { text?: string } | string;
          return `${r.name}: ${typeof output === 'string' ? output : (output?.text ?? JSON.stringify(output))}`;
        })
        .join(' | ');
      return [
        { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] },
      ];
    }
    const user =
      typeof request.input === 'string'
        ? request.input
        : String((items.find((i) => i.role === 'user')?.content as string) ?? '');
    return plan(user).map((call) => ({
      type: 'function_call',
      callId: call.callId,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
      status: 'completed',
    }));
  };
  return {
    async getResponse(request) {
      return { usage: new Usage(), output: respond(request), responseId: `resp_${++responses}` };
    },
    async *getStreamedResponse(request): AsyncIterable<StreamEvent> {
      const output = respond(request);
      yield { type: 'response_started' };
      yield {
        type: 'response_done',
        response: {
          id: `resp_${++responses}`,
          usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
          output,
        },
      } as StreamEvent;
    },
  };
}
