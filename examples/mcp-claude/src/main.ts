import { runClaudeStory } from './story.js';

const outcome = await runClaudeStory((line) => console.log(line));
const ok =
  outcome.deploy.approved &&
  (outcome.bashAllowed as { behavior?: string }).behavior === 'allow' &&
  (outcome.bashDenied as { behavior?: string }).behavior === 'deny';
console.log(
  ok
    ? 'OK: deploy approved and logged, npm publish allowed, force push denied'
    : `FAILED: ${JSON.stringify(outcome)}`,
);
process.exit(ok ? 0 : 1);
