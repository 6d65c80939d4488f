import { TRACE_TEXT_MAX } from '@app/conversation';
import type { IoRequest } from '@app/scenario';
import { traceOf } from './step-trace';

const CALL: IoRequest = {
  kind: 'call',
  method: 'POST',
  url: ['https://shop.example.com/orders/A-1?key=', { secret: 'SHOP_KEY' }],
  headers: [{ name: 'Authorization', value: ['Bearer ', { secret: 'SHOP_TOKEN' }] }],
  body: { type: 'json', value: { id: 'A-1' } },
  detach: false,
  secrets: ['SHOP_KEY', 'SHOP_TOKEN'],
};

describe('traceOf', () => {
  it('keeps what a call sent with its secrets as names, and what came back', () => {
    const trace = traceOf(CALL, { kind: 'response', status: 404, body: { error: 'none' } }, 12);
    expect(trace).toEqual({
      step: 'call',
      sent: 'POST https://shop.example.com/orders/A-1?key=<secret SHOP_KEY>',
      headers: ['Authorization: Bearer <secret SHOP_TOKEN>'],
      body: '{"id":"A-1"}',
      outcome: 'error',
      status: 404,
      received: '{"error":"none"}',
      ms: 12,
    });
  });

  it("keeps an llm request's last message and the model's text, cut to the limit", () => {
    const llm: IoRequest = {
      kind: 'llm',
      mode: 'reply',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      detach: true,
      secrets: [],
    };
    const trace = traceOf(llm, { kind: 'text', text: 'x'.repeat(5000) }, 800, true);
    expect(trace).toMatchObject({ step: 'llm', sent: 'reply default', body: 'Hi', later: true });
    expect(trace.received).toHaveLength(TRACE_TEXT_MAX + 1);
    expect(traceOf(llm, { kind: 'timeout' }, 5)).toEqual({
      step: 'llm',
      sent: 'reply default',
      body: 'Hi',
      outcome: 'timeout',
      ms: 5,
    });
  });
});
