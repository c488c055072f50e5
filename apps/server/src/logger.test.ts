import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('redacts secrets and tokens wherever they sit', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info(
      {
        authorization: 'Bearer cc_live_supersecretkey1',
        headers: { authorization: 'Bearer cco_reviewertoken99' },
        org: {
          api_key: 'cc_live_anotherkey',
          webhook_secret: 'whsec_hiddenvalue',
          reviewer_token: 'cco_tokenvalue',
        },
        secret: 'whsec_top',
        request_id: 'req_1',
      },
      'test',
    );
    expect(out).toContain('req_1');
    for (const secret of [
      'supersecretkey1',
      'reviewertoken99',
      'anotherkey',
      'hiddenvalue',
      'tokenvalue',
      'whsec_top',
    ]) {
      expect(out).not.toContain(secret);
    }
  });
});
