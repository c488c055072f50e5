import { describe, expect, it } from 'vitest';
import { runRefundStory } from './story.js';

describe('langgraph-refund example', () => {
  it('pays the approved refund once and refuses the large one with the reviewer’s reason', async () => {
    const outcome = await runRefundStory();
    expect(outcome.refunds).toEqual([{ order: 'A-1001', amount: 120 }]);
    expect(outcome.replies['A-1001']).toBe('Refunded $120 on order A-1001.');
    expect(outcome.replies['B-2002']).toBe(
      'The refund call was not executed: denied (Above the $1,000 limit).',
    );
    expect(outcome.caseActions).toEqual(['request:approved', 'tool.refund.finished']);
  });
});
