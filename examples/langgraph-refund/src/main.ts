import { runRefundStory } from './story.js';

const outcome = await runRefundStory((line) => console.log(line));
const ok =
  outcome.refunds.length === 1 &&
  outcome.refunds[0]?.order === 'A-1001' &&
  (outcome.replies['B-2002'] ?? '').includes('Above the $1,000 limit');
console.log(
  ok
    ? 'OK: one refund paid, the large one refused with the reviewer’s reason'
    : `FAILED: ${JSON.stringify(outcome)}`,
);
process.exit(ok ? 0 : 1);
