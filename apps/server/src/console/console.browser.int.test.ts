import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CentcomClient } from '@contro1/core';
import { type Admin, createAdmin } from '@contro1/core/server';
import { startReceiver, waitFor } from '@contro1/core/testing';
import { probeExecutable, serviceGate } from '@contro1/test-utils';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { type RunningServer, startServer } from '../start.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = serviceGate(
  'Chromium',
  await probeExecutable(CHROMIUM, 'install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)'),
);
const ARTIFACTS = new URL('../../test-artifacts/console/', import.meta.url).pathname;
const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)('reviewer console in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contro1-console-'));
  let running: RunningServer;
  let admin: Admin;
  let client: CentcomClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let finance: { id: string; reviewer_token: string };
  let legal: { id: string; reviewer_token: string };
  const contexts: BrowserContext[] = [];
  let agentId: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const config = loadConfig(
      { db: join(dir, 'console.db'), port: '0' },
      { CONTRO1_ALLOW_LOOPBACK_CALLBACKS: 'true' },
    );
    running = await startServer(config, createLogger('silent'), () => undefined);
    admin = createAdmin(running.server.store, { baseUrl: `${running.url}/api/centcom/v1` });
    const org = await admin.createOrganisation({ name: 'Acme', decisionCommentPolicy: 'optional' });
    finance = await admin.createReviewer(org.org_id, { name: 'Fiona Finance', roles: ['finance'] });
    legal = await admin.createReviewer(org.org_id, { name: 'Lee Legal', roles: ['legal'] });
    client = new CentcomClient({ baseUrl: org.base_url, apiKey: org.api_key });
    receiver = await startReceiver(org.webhook_secret, client);
    agentId = (await client.registerAgent({ name: 'payments-bot', framework: 'openai-agents' })).agent
      .agent_id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await receiver?.close();
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newPage(viewport = LAPTOP): Promise<Page> {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (d) => {
      throw new Error(`unexpected dialog: ${d.message()}`);
    });
    return page;
  }

  async function signIn(token: string, viewport = LAPTOP): Promise<Page> {
    const page = await newPage(viewport);
    await page.goto(`${running.url}/console/`);
    await page.waitForURL('**/console/login');
    await page.getByLabel('Reviewer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    return page;
  }

  const questionOf = async (page: Page) => {
    await page.locator('h1#question').waitFor();
    return page.locator('h1#question').textContent();
  };

  /** Waits until the locator shows the text (the page updates by polling). */
  const seeText = (locator: Locator, text: string | RegExp, timeout = 10_000) =>
    locator.filter({ hasText: text }).first().waitFor({ timeout });

  const create = (question: string, extra: Record<string, unknown> = {}) =>
    client.createRequest({
      type: 'approval',
      question,
      context: { invoice: 'INV-2041', amount_eur: 1890, vendor: 'Northwind GmbH' },
      callback_url: receiver.url,
      required_role: 'finance',
      risk_level: 'medium',
      policy_trigger: 'payments over 1,000 EUR need a human',
      tool_calls: [{ name: 'send_payment', input: { to: 'DE89 3704 0044 0532 0130 00', amount: 1890 } }],
      actor: { agent_id: agentId, agent_name: 'Payments Bot' },
      ...extra,
    } as Parameters<CentcomClient['createRequest']>[0]);

  const respondFromPage = (page: Page, id: string, body: unknown, csrf: boolean) =>
    page.evaluate(
      async ([path, payload, withCsrf]) => {
        const session = (await (await fetch('/console/auth/session')).json()) as { csrf: string };
        const res = await fetch(path as string, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(withCsrf ? { 'x-contro1-csrf': session.csrf } : {}),
          },
          body: JSON.stringify(payload),
        });
        return res.status;
      },
      [`/api/centcom/v1/operator/queue/${id}/respond`, body, csrf] as const,
    );

  /** A request the page shows as not decidable: no Approve button, and an answer sent anyway gets `status`. */
  const expectNoDecision = async (page: Page, id: string, status: number) => {
    expect(await page.getByRole('button', { name: 'Approve (a)' }).count()).toBe(0);
    expect(await respondFromPage(page, id, { approved: true }, true)).toBe(status);
  };

  it('signs in with a token, sees a new request arrive live, approves it with a comment, and the signed webhook arrives', async () => {
    const page = await signIn(finance.reviewer_token);
    const response = await page.goto(`${running.url}/console/`);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['referrer-policy']).toBe('no-referrer');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    const request = await create('Pay invoice INV-2041 to Northwind GmbH (1,890 EUR)?');
    await create('Refund order 7781 (420 EUR)?', { priority: 'urgent', risk_level: 'high' });
    const row = page.locator(`li[data-request-id="${request.request_id}"]`);
    await row.waitFor();
    await page.locator('li[data-state="pending"]').filter({ hasText: 'Waiting: 2' }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}queue-1280x800.png` });

    await row.getByRole('link').click();
    await page.waitForURL(`**/console/requests/${request.request_id}`);
    expect(await questionOf(page)).toBe(request.question as string);
    await seeText(page.getByLabel('Raw input of send_payment'), '"amount": 1890');
    await page.getByText('payments over 1,000 EUR need a human').waitFor();
    await seeText(page.getByRole('region', { name: 'Agent' }), 'payments-bot — claimed, not verified');
    await seeText(page.getByRole('region', { name: 'Agent' }), 'Payments Bot');
    await page.screenshot({ path: `${ARTIFACTS}request-1280x800.png`, fullPage: true });

    await page.getByLabel(/^Comment/).fill('Vendor verified against the contract.');
    await page.getByRole('button', { name: 'Approve (a)' }).click();
    await seeText(page.locator('[data-banner="approved"]'), 'Approved by Fiona Finance');

    const decision = await waitFor(() => receiver.decisions.find((d) => d.requestId === request.request_id));
    expect(decision).toMatchObject({ outcome: 'approved', comment: 'Vendor verified against the contract.' });
    expect(receiver.raw.filter((w) => w.body.request_id === request.request_id)).toHaveLength(1);
  }, 60_000);

  it('reads well at phone width (queue and request page)', async () => {
    const page = await signIn(finance.reviewer_token, PHONE);
    const request = await create('Delete the staging database "orders-eu"?', { risk_level: 'critical' });
    await page.locator(`li[data-request-id="${request.request_id}"]`).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}queue-phone-390x844.png`, fullPage: true });
    await page.goto(`${running.url}/console/requests/${request.request_id}`);
    await page.getByRole('button', { name: 'Approve (a)' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}request-phone-390x844.png`, fullPage: true });
    // Ids have random characters, so how wide an actor id is varies from run to run: the widest possible one must fit.
    const widest = await page.evaluate(() => {
      const entry = document.querySelector('.timeline li');
      entry?.append(` (key_${'m'.repeat(40)})`);
      return document.documentElement.scrollWidth - window.innerWidth;
    });
    expect(widest).toBeLessThanOrEqual(0);
  }, 60_000);

  it('refuses a rejection without a comment, in the page and on the server', async () => {
    const page = await signIn(finance.reviewer_token);
    const request = await create('Wire 9,000 EUR to a new supplier?');
    await page.goto(`${running.url}/console/requests/${request.request_id}`);
    await page.getByRole('button', { name: 'Reject (r)' }).click();
    await page.getByRole('alert').filter({ hasText: 'A rejection needs a comment' }).waitFor();
    expect(await respondFromPage(page, request.request_id as string, { approved: false }, true)).toBe(400);
    expect((await client.getRequest(request.request_id as string)).status).toBe('pending');
    // The keyboard path: r with a comment rejects.
    await page.getByLabel(/^Comment/).fill('Supplier not on the approved list.');
    await page.keyboard.press('Escape');
    await page.keyboard.press('r');
    await seeText(page.locator('[data-banner="denied"]'), 'Rejected by Fiona Finance');
    await waitFor(() =>
      receiver.decisions.find((d) => d.requestId === request.request_id && d.outcome === 'denied'),
    );
  }, 60_000);

  it('shows an expired request as expired and the server refuses a late answer', async () => {
    const page = await signIn(finance.reviewer_token);
    // The protocol body carries an exact deadline (continuation.expires_at); the legacy body only whole minutes.
    const request = await client.createProtocolRequest({
      title: 'Restart the payment gateway?',
      request_type: 'approval',
      source: { integration: 'console-test' },
      continuation: {
        mode: 'decision',
        callback_url: receiver.url,
        expires_at: new Date(Date.now() + 1500).toISOString(),
      },
      routing: { required_role: 'finance' },
      context: { tool_name: 'restart_gateway', tool_input: { region: 'eu-west-1' } },
    });
    await page.goto(`${running.url}/console/requests/${request.request_id}`);
    await seeText(page.locator('[data-banner="timed_out"]'), 'Expired', 15_000);
    await expectNoDecision(page, request.request_id as string, 409);
  }, 60_000);

  it('shows a cancelled request as cancelled with no decision buttons', async () => {
    const page = await signIn(finance.reviewer_token);
    const request = await create('Email all customers about the outage?');
    await client.cancelRequest(request.request_id as string);
    await page.goto(`${running.url}/console/requests/${request.request_id}`);
    await seeText(page.locator('[data-banner="cancelled"]'), 'Cancelled');
    await expectNoDecision(page, request.request_id as string, 409);
  }, 60_000);

  it('keeps a request from a reviewer without the role: not in their queue, "not your role" on its page, 403 on the server', async () => {
    const request = await create('Approve the Q4 budget transfer?');
    const page = await signIn(legal.reviewer_token);
    await page.locator('ol.queue > li').first().waitFor();
    expect(await page.locator(`li[data-request-id="${request.request_id}"]`).count()).toBe(0);
    await page.goto(`${running.url}/console/requests/${request.request_id}`);
    await seeText(page.locator('[data-banner="not-your-role"]'), '"finance"');
    await expectNoDecision(page, request.request_id as string, 403);
  }, 60_000);

  it('signs in once with a single-use link; the second use is refused', async () => {
    const link = await admin.createLoginLink(
      (await running.server.store.listOrgs())[0]?.id as string,
      finance.id,
    );
    expect(link.url).toMatch(/\/console\/login#code=cl_/);
    const page = await newPage();
    const response = await page.goto(link.url);
    expect(response?.headers()['referrer-policy']).toBe('no-referrer');
    await page.getByRole('heading', { name: 'Queue' }).waitFor();
    expect(page.url()).not.toContain('code=');

    const again = await newPage();
    await again.goto(link.url);
    await seeText(again.getByRole('alert'), 'already used or has expired');
    await again.getByLabel('Reviewer token').waitFor();
  }, 60_000);

  it('requires the CSRF token for changes and refuses sign-in from another site', async () => {
    const page = await signIn(finance.reviewer_token);
    const request = await create('Rotate the production API keys?');
    expect(
      await respondFromPage(page, request.request_id as string, { approved: true, comment: 'x' }, false),
    ).toBe(403);
    expect((await client.getRequest(request.request_id as string)).status).toBe('pending');
    const forged = await fetch(`${running.url}/console/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ token: finance.reviewer_token }),
    });
    expect(forged.status).toBe(403);
  }, 60_000);

  it('claims with c, answers a yes/no question with the keyboard and a free-text question in the page', async () => {
    const page = await signIn(finance.reviewer_token);
    const yesNo = await create('Is Northwind GmbH on the approved vendor list?', { type: 'yes_no' });
    const id = yesNo.request_id as string;
    await page.goto(`${running.url}/console/requests/${id}`);
    await page.getByRole('button', { name: 'Claim (c)' }).waitFor();
    await page.keyboard.press('c');
    await page.getByRole('button', { name: 'Claim (c)' }).waitFor({ state: 'detached' });
    expect((await client.getRequest(id)).status).toBe('in_review');
    await page.keyboard.press('a');
    await seeText(page.locator('[data-banner="approved"]'), 'Answered yes by Fiona Finance');
    const answered = await waitFor(() => receiver.decisions.find((d) => d.requestId === id));
    expect(answered.outcome).toBe('approved');

    const freeText = await create('Which cost centre should this go to?', { type: 'free_text' });
    await page.goto(`${running.url}/console/requests/${freeText.request_id}`);
    await page.getByLabel('Your answer').fill('CC-4410 (marketing)');
    await page.getByRole('button', { name: 'Send answer' }).click();
    await seeText(page.locator('[data-banner="provided_input"]'), 'Answer: CC-4410 (marketing)');
    const provided = await waitFor(() => receiver.decisions.find((d) => d.requestId === freeText.request_id));
    expect(provided.outcome).toBe('provided_input');
  }, 60_000);

  it('renders script and HTML written by the agent as inert text', async () => {
    const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';
    const request = await create(evil, {
      context: `<iframe src="javascript:window.__xss=3"></iframe>${evil}`,
      policy_trigger: '<a href="javascript:window.__xss=4">click</a>',
      tool_calls: [
        { name: '<svg onload="window.__xss=5">', input: { html: '</pre><script>window.__xss=6</script>' } },
      ],
      retrieved_context: [{ source: '<script>window.__xss=7</script>', snippet: evil }],
    });
    const page = await signIn(finance.reviewer_token);
    await page.locator(`li[data-request-id="${request.request_id}"]`).waitFor();
    expect(await page.locator('main img, main script, main iframe, main svg, main b').count()).toBe(0);
    await page.goto(`${running.url}/console/requests/${request.request_id}`);
    expect(await questionOf(page)).toBe(evil);
    await seeText(page.getByLabel(/^Raw input of/), '</pre><script>window.__xss=6</script>');
    expect(
      await page
        .locator('main img, main script, main iframe, main svg, main b, main a[href^="javascript"]')
        .count(),
    ).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  }, 60_000);
});
