import { TestStack } from './support/test-stack';
import { transcript, WebimClient } from './support/webim-client';

// A conversation with the demo bot through the webhook, as Webim has it.

const MENU = '[hours,delivery|human]';
const GREETING = 'I am the demo support bot. What can I help you with?';
const HOURS = 'We are open Monday to Friday, 9:00-18:00, and Saturday, 10:00-14:00.';
const DELIVERY = 'We deliver in 1-3 business days. Shipping is free for orders over 50 EUR.';

describe('the demo bot through the webhook', () => {
  let stack: TestStack;
  let webim: WebimClient;

  beforeAll(async () => {
    stack = await TestStack.start();
    webim = stack.webim(await stack.demoWebhookUrl());
  });
  afterAll(() => stack.close());

  it('greets a new chat without messages by the name Webim sent, and shows the menu', async () => {
    const exchange = await webim.newChat('demo-1', {
      visitor: {
        id: 'v-1',
        firstname: 'Ann',
        lastname: 'Lee',
        phone: '+100',
        email: 'a@example.com',
      },
      extra: { location: { address: 'Berlin' } },
    });
    expect(exchange.status).toBe(200);
    expect(exchange.body).toEqual({
      has_answer: true,
      messages: [
        { kind: 'operator', text: `Hello Ann\n${GREETING}` },
        {
          kind: 'keyboard',
          buttons: [
            [
              { id: 'hours', text: 'Opening hours' },
              { id: 'delivery', text: 'Delivery' },
            ],
            [{ id: 'human', text: 'Talk to a person' }],
          ],
        },
      ],
    });
    const { conversation } = await stack.conversations.read('demo', 'demo-1');
    expect(conversation?.state.vars).toMatchObject({
      channel_conversation_id: 'demo-1',
      channel_chat_id: 'demo-1|webim',
      channel_visitor_id: 'v-1',
      channel_visitor_firstname: 'Ann',
      channel_visitor_lastname: 'Lee',
      channel_visitor_phone: '+100',
      channel_visitor_email: 'a@example.com',
      channel_visitor_location: 'Berlin',
      visitor_name: 'Ann',
    });
  });

  it('answers a button press, visitor text, and text it does not understand', async () => {
    expect(transcript((await webim.press('demo-1', 'hours', 'Opening hours')).body)).toEqual([
      HOURS,
      'Anything else?',
      MENU,
    ]);
    expect(transcript((await webim.say('demo-1', 'Do you do SHIPPING to Paris?')).body)).toEqual([
      DELIVERY,
      'Anything else?',
      MENU,
    ]);
    expect(transcript((await webim.say('demo-1', 'asdf')).body)).toEqual([
      "Sorry, I did not get that. Choose a topic or type 'operator'.",
    ]);
  });

  it('hands the chat off when the visitor asks for a person', async () => {
    const exchange = await webim.press('demo-1', 'human', 'Talk to a person');
    expect(exchange.body).toEqual({ has_answer: false });
    const { handoff } = await stack.conversations.read('demo', 'demo-1');
    expect(handoff).toMatchObject({ reason: 'bot_handoff', detail: 'visitor_asked' });
    await stack.gateway.waitForLog(
      /"reason":"bot_handoff".*"detail":"visitor_asked"|"detail":"visitor_asked".*"reason":"bot_handoff"/,
    );
  });

  it('takes pre-chat messages, combined, as the first thing the visitor said', async () => {
    const exchange = await webim.newChat('demo-2', {
      messages: [
        { kind: 'visitor', text: 'Hi there' },
        { kind: 'visitor', text: 'when are you open?' },
      ],
    });
    expect(transcript(exchange.body)).toEqual([
      `Hello \n${GREETING}`,
      MENU,
      HOURS,
      'Anything else?',
      MENU,
    ]);
    const { conversation } = await stack.conversations.read('demo', 'demo-2');
    expect(conversation?.state.vars.client_message).toBe('Hi there\nwhen are you open?');
  });

  it('starts afresh when a new chat reuses an id, and on a message for an unknown chat', async () => {
    expect(transcript((await webim.newChat('demo-1')).body)).toEqual([`Hello \n${GREETING}`, MENU]);
    expect(transcript((await webim.say('never-started', 'operator please')).body)).toEqual([
      '<handoff>',
    ]);
  });
});
