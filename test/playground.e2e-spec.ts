import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { FakeBackend } from './support/fake-backend';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

// The playground page in a real Chromium against the real stack (its own Redis, a gateway and a
// worker from dist/): signing in, writing and training an agent, talking to it as a Webim
// visitor through the webhook and the queue, timers and incoming requests, and reading a real
// channel's chats. The screenshots it takes are the ones docs/playground.md shows.

/** Debian's chromium package; `.ci/run` installs it when it is missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '../docs/images');

/** Long enough for a turn on a busy machine, short enough to fail a test well inside Jest's. */
const UI_WAIT_MS = 15_000;

const SHOP = `name: Tea shop
start: welcome
timers:
  reminder: { after: 1h, goto: reminder }
events:
  shipped: shipped
branches:
  welcome:
    - say: 'Hello! What would you like?'
    - goto: menu
  menu:
    - buttons:
        - [{ id: green, text: 'Green tea' }, { id: black, text: 'Black tea' }]
        - [{ id: human, text: 'Talk to a person' }]
    - start_timer: reminder
    - wait: { save: choice }
    - route:
        - { button: human, goto: human }
        - { text: 'person', goto: human }
        - { goto: chosen }
  chosen:
    - set: { tea: '{{choice}}' }
    - say: 'Good choice: {{tea}}.'
    - goto: menu
  reminder:
    - say: 'Still thinking?'
    - goto: menu
  shipped:
    - say: 'Your order {{event_order_id}} has shipped.'
    - goto: menu
  human:
    - handoff: visitor_asked
tests:
  - name: greets and offers teas
    conversation:
      - new_chat: {}
        bot:
          - 'Hello! What would you like?'
          - buttons: [[green, black], [human]]
  - name: takes a choice
    conversation:
      - new_chat: {}
      - press: green
        bot:
          - 'Good choice: Green tea.'
          - buttons: [[green, black], [human]]
`;

/** The shop with a step that names no branch: an error at line 7. */
const BROKEN = SHOP.replace('    - goto: menu\n  menu:', '    - goto: menuu\n  menu:');
const BROKEN_LINE = SHOP.split('\n').indexOf('    - goto: menu') + 1;

/** The shop with a test that expects what the bot does not say. */
const WRONG_TEST = SHOP.replace("'Good choice: Green tea.'", "'Good choice: Green.'");

describe('playground page', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await TestStack.start();
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(UI_WAIT_MS);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const bubbles = () => page.locator('#messages .bubble').allTextContents();

  it('shows only the sign-in form without the token, and refuses a wrong one', async () => {
    await page.goto(`${stack.baseUrl}/playground`);
    await page.locator('#login-form').waitFor();
    expect(await page.locator('#app').isHidden()).toBe(true);

    await page.fill('#token', 'not-the-admin-token');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error', { hasText: 'The admin token was refused.' }).waitFor();
    expect(await page.locator('#app').isHidden()).toBe(true);

    // What the page reads is the API's, and the API refuses it without the token.
    for (const path of [
      '/api/agents',
      '/api/channels/demo/chats/any/state',
      '/api/channels/demo/chats/any/timers/reminder/fire',
    ]) {
      const status = await page.evaluate(
        async (url) => (await fetch(url, { method: url.endsWith('fire') ? 'POST' : 'GET' })).status,
        path,
      );
      expect({ path, status }).toEqual({ path, status: 401 });
    }
    await shot('playground-sign-in');
  });

  it('signs in with the admin token and opens the agents', async () => {
    await page.fill('#token', stack.adminToken);
    await page.click('#login-form button[type=submit]');
    await page.locator('#app').waitFor();
    await page.locator('#agent-select option[value="demo"]').waitFor({ state: 'attached' });
    await waitFor('the demo agent in the editor', async () =>
      (await page.inputValue('#source')).includes('name: Demo support bot'),
    );
    expect(await page.inputValue('#agent-id')).toBe('demo');
  });

  it('shows an error at its line as the author types', async () => {
    await page.selectOption('#agent-select', '');
    await page.fill('#agent-id', 'tea');
    await page.fill('#source', BROKEN);
    const marked = page.locator(`#gutter .line.error[data-line="${BROKEN_LINE}"]`);
    await marked.waitFor();
    const problem = page.locator(`#problems .problem.error[data-line="${BROKEN_LINE}"]`);
    await problem.locator('button').click();
    // The source scrolls to the line, and its marked number is in view beside it.
    const gutter = (await page.locator('#gutter').boundingBox())!;
    const line = (await marked.boundingBox())!;
    expect(line.y).toBeGreaterThanOrEqual(gutter.y);
    expect(line.y + line.height).toBeLessThanOrEqual(gutter.y + gutter.height);
    expect(await problem.textContent()).toMatch(
      new RegExp(`^line ${BROKEN_LINE}, column \\d+ error: .*menuu`),
    );
    await shot('playground-error');
  });

  it('runs the tests, with expected and actual text for a failing one', async () => {
    await page.fill('#source', WRONG_TEST);
    await page.locator('#problems p.ok', { hasText: 'No errors or warnings.' }).waitFor();
    await page.click('#run-tests');
    await page.locator('#tests p', { hasText: '1 of 2 passed' }).waitFor();
    const failed = page.locator('#tests .test.fail');
    expect(await failed.locator('.expected').textContent()).toContain('Good choice: Green.');
    expect(await failed.locator('.actual').textContent()).toContain('Good choice: Green tea.');

    // A source whose tests fail is not trained.
    await page.click('#train');
    await page.locator('#train-result p.error', { hasText: 'Not trained' }).waitFor();
    expect((await stack.api('/api/agents/tea')).status).toBe(404);
  });

  it('trains the fixed agent, and the chat talks to it', async () => {
    await page.fill('#source', SHOP);
    await page.click('#run-tests');
    await page.locator('#tests p.ok', { hasText: '2 of 2 passed' }).waitFor();
    await page.click('#train');
    await page
      .locator('#train-result p.ok', { hasText: 'Trained: tea version 1 is live.' })
      .waitFor();
    const agent = await stack.apiGet<{ version: number; source: string }>('/api/agents/tea');
    expect(agent).toMatchObject({ version: 1, source: SHOP });
    await page.locator('#chat-status', { hasText: 'Agent tea, as trained.' }).waitFor();
  });

  it('holds a conversation with buttons through the webhook, the queue and a worker', async () => {
    await page.fill('#visitor-name', 'Ann');
    await page.click('#new-chat');
    await page.locator('#messages .keyboard button[data-button="green"]').waitFor();
    expect(await bubbles()).toEqual(['Hello! What would you like?']);
    // The first chat made the agent a sandbox channel of its own, active.
    const channels =
      await stack.apiGet<{ name: string; agentId: string; status: string }[]>('/api/channels');
    expect(channels).toContainEqual(
      expect.objectContaining({ name: 'Playground: tea', agentId: 'tea', status: 'active' }),
    );

    await page.click('#messages .keyboard button[data-button="green"]');
    await page.locator('#messages .bubble', { hasText: 'Good choice: Green tea.' }).waitFor();
    // The state after the turn: variables, position, the timer it armed, what the turn cost.
    const tea = page.locator('#variables tr[data-var="tea"] td');
    await tea.waitFor();
    expect(await tea.textContent()).toBe('Green tea');
    expect(await page.locator('#position dd[data-term="branch"]').textContent()).toBe('menu');
    expect(await page.locator('#timers li[data-timer="reminder"]').count()).toBe(1);
    expect(await page.locator('#turn-timing dd[data-term="outcome"]').textContent()).toBe(
      'answered',
    );
    expect(await page.locator('#turn-timing dd[data-term="queue wait"]').textContent()).toMatch(
      /^\d+ ms$/,
    );
    expect(await page.locator('#turn-timing dd[data-term="run"]').textContent()).toMatch(
      /^\d+ ms$/,
    );
    await shot('playground');

    // The turn went through the real webhook: the sandbox channel's transcript has it.
    const sandbox = (await stack.apiGet<{ id: string; name: string }[]>('/api/channels')).find(
      (c) => c.name === 'Playground: tea',
    )!;
    const { chats } = await stack.apiGet<{ chats: { chatId: string }[] }>(
      `/api/channels/${sandbox.id}/chats`,
    );
    const chat = await stack.apiGet<{ transcript: { input?: { kind: string; id?: string } }[] }>(
      `/api/channels/${sandbox.id}/chats/${encodeURIComponent(chats[0].chatId)}`,
    );
    expect(chat.transcript.map((entry) => entry.input?.kind)).toEqual(['chat_started', 'button']);
  });

  it('shows a hand-off with its reason', async () => {
    await page.click('#messages .keyboard >> nth=-1 >> button[data-button="human"]');
    const handoff = page.locator('#messages .handoff');
    await handoff.waitFor();
    expect(await handoff.textContent()).toContain('bot_handoff: visitor_asked');
  });

  it('starts a chat with pre-chat messages, which the scenario reads as the first answer', async () => {
    await page.fill('#prechat', 'Hi there\nI need a person');
    await page.click('#new-chat');
    await page.locator('#messages .handoff').waitFor();
    expect(await bubbles()).toEqual(['Hi there', 'I need a person']);
    expect(await page.locator('#messages .line.visitor .note').allTextContents()).toEqual([
      'pre-chat message',
      'pre-chat message',
    ]);
    await page.fill('#prechat', '');
  });

  it('fires a timer now; its message arrives with the next answer', async () => {
    await page.click('#new-chat');
    await page.locator('#timers li[data-timer="reminder"]').waitFor();
    await page.click('#timers li[data-timer="reminder"] button.fire-timer');
    // Buffered first, in the outbox, since Webim's API 1.0 cannot let the bot speak first.
    await page.locator('#outbox .bubble', { hasText: 'Still thinking?' }).waitFor();
    expect(await page.locator('#messages .bubble', { hasText: 'Still thinking?' }).count()).toBe(0);

    await page.fill('#say', 'oolong');
    await page.click('#composer button[type=submit]');
    const delivered = page.locator('#messages .line.bot', { hasText: 'Still thinking?' });
    await delivered.waitFor();
    expect(await delivered.locator('.note').textContent()).toBe(
      'buffered earlier, delivered with this answer',
    );
    expect((await bubbles()).slice(-3)).toEqual([
      'oolong',
      'Still thinking?',
      'Good choice: oolong.',
    ]);
    await page.locator('#outbox-empty').waitFor();
  });

  it('sends an incoming request with its data; its message arrives with the next answer', async () => {
    await page.fill('#event-name', 'shipped');
    await page.fill('#event-data', '{"order_id": "A-7"}');
    await page.click('#send-event');
    await page.locator('#outbox .bubble', { hasText: 'Your order A-7 has shipped.' }).waitFor();
    await page.fill('#say', 'thanks');
    await page.click('#composer button[type=submit]');
    await page.locator('#messages .bubble', { hasText: 'Good choice: thanks.' }).waitFor();
    expect((await bubbles()).slice(-3)).toEqual([
      'thanks',
      'Your order A-7 has shipped.',
      'Good choice: thanks.',
    ]);
  });

  it("opens a real channel's chat and reads its transcript", async () => {
    const webim = stack.webim(await stack.demoWebhookUrl());
    await webim.newChat('real-chat-1', { visitor: { id: 'v-1', firstname: 'Oleg' } });
    await webim.press('real-chat-1', 'delivery', 'Delivery');
    await webim.say('real-chat-1', 'I want to talk to a person');

    await page.click('[data-show="conversations"]');
    // The real channel first, the playground's sandbox after it.
    await page.locator('#channels button[data-channel="demo"]').waitFor();
    const listed = page.locator('#channels li');
    expect(await listed.first().textContent()).toMatch(/^Demo channel demo · agent demo · active$/);
    expect(await listed.last().textContent()).toMatch(/· the playground's sandbox$/);
    await page.click('#channels button[data-channel="demo"]');
    await page.click('#chats button[data-chat="real-chat-1"]');
    const lines = page.locator('#transcript-lines');
    await lines.locator('.handoff').waitFor();
    expect(await lines.locator('.bubble').allTextContents()).toEqual([
      '(new chat)',
      'Hello Oleg\nI am the demo support bot. What can I help you with?',
      '[Delivery]',
      'We deliver in 1-3 business days. Shipping is free for orders over 50 EUR.',
      'Anything else?',
      'I want to talk to a person',
    ]);
    expect(await lines.locator('.keyboard').count()).toBe(2);
    expect(await lines.locator('.handoff').textContent()).toContain('bot_handoff: visitor_asked');
    // Read-only: a recorded keyboard cannot be pressed.
    expect(await lines.locator('.keyboard button').first().isDisabled()).toBe(true);
    await shot('playground-conversations');
  });
  it('shows what a call step sent and got after the turn', async () => {
    const backend = await FakeBackend.start();
    try {
      const lookup = [
        'start: ask',
        'branches:',
        '  ask:',
        "    - say: 'Your order number?'",
        '    - wait: { save: order }',
        '    - call:',
        `        url: '${backend.url('/orders/{{order}}')}'`,
        "        headers: { x-shop: 'playground' }",
        '        save: { state: body.status }',
        '        on: { error: ask, timeout: ask }',
        "    - say: 'Order {{order}} is {{state}}'",
        '    - wait: {}',
        '',
      ].join('\n');
      await page.click('[data-show="try"]');
      await page.fill('#agent-id', 'lookup');
      await page.fill('#source', lookup);
      await page.click('#train');
      await page.locator('#train-result p.ok', { hasText: 'lookup version 1' }).waitFor();
      await page.click('#new-chat');
      await page.locator('#messages .bubble', { hasText: 'Your order number?' }).waitFor();
      await page.fill('#say', 'A-7');
      await page.press('#say', 'Enter');
      await page.locator('#messages .bubble', { hasText: 'Order A-7 is shipped' }).waitFor();
      const request = page.locator('#requests .request');
      await request.waitFor();
      expect(await request.locator('summary').textContent()).toMatch(
        new RegExp(`^call GET ${backend.url('/orders/A-7')} → ok 200 in \\d+ ms$`),
      );
      await request.locator('summary').click();
      expect(await request.locator('pre.sent').allTextContents()).toEqual(['x-shop: playground']);
      expect(await request.locator('pre.received').textContent()).toBe(
        '{"id":"A-7","status":"shipped"}',
      );
    } finally {
      await backend.stop();
    }
  });
});
