import { runPaymentsStory } from './story.js';

const outcome = await runPaymentsStory((line) => console.log(line));
const paid = outcome.sent.map((s) => `${s.to}:${s.amount}`).sort();
const ok =
  JSON.stringify(paid) === JSON.stringify(['Acme:4000', 'Printers:250']) &&
  outcome.finalOutput.includes('Needs a second quote');
console.log(
  ok
    ? 'OK: $250 paid on its own, $4,000 approved and paid, $25,000 rejected with the reason'
    : `FAILED: ${JSON.stringify(outcome)}`,
);
process.exit(ok ? 0 : 1);
