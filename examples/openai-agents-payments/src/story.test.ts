import { describe, expect, it } from 'vitest';
import { runPaymentsStory } from './story.js';

describe('openai-agents-payments example', () => {
  it('pays small amounts alone, large ones only after a human yes, and reports a rejection with its reason', async () => {
    const outcome = await runPaymentsStory();
    expect(outcome.asked.sort()).toEqual(['Send $25000 to Globex?', 'Send $4000 to Acme?']);
    expect(outcome.sent.map((s) => `${s.to}:${s.amount}`).sort()).toEqual(['Acme:4000', 'Printers:250']);
    expect(outcome.finalOutput.split('\n').sort()).toEqual([
      'Sent $250 to Printers.',
      'Sent $4000 to Acme.',
      'send_payment was rejected by Dana (finance): Needs a second quote',
    ]);
  });
});
