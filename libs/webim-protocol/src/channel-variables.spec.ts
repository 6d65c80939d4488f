import { visitorVariables, WEBIM_CHANNEL_VARIABLES } from './channel-variables';
import { parseWebimRequest } from './parse-webim-request';

describe('WEBIM_CHANNEL_VARIABLES', () => {
  const { names, visitorFields } = WEBIM_CHANNEL_VARIABLES;

  it('names every variable a request with every field sets', () => {
    const parsed = parseWebimRequest({
      event: 'new_chat',
      chat: { id: 'c1' },
      visitor: {
        id: 'v1',
        firstname: 'Ann',
        lastname: 'Lee',
        username: 'ann1',
        phone: '+100',
        email: 'a@x.io',
        location: 'Berlin',
      },
    });
    if (parsed.kind !== 'turn') throw new Error('expected a turn');
    expect(Object.keys(parsed.input.vars ?? {}).sort()).toEqual([...names].sort());
  });

  it("maps each test visitor field to what the Webim visitor's field of that name sets", () => {
    for (const [field, variable] of Object.entries(visitorFields)) {
      expect(visitorVariables({ id: 'v1', [field]: 'x' })).toEqual({
        channel_visitor_id: 'v1',
        [variable]: 'x',
      });
    }
  });

  it('describes a chat and its visitor as a request does', () => {
    expect(WEBIM_CHANNEL_VARIABLES.chat('c1')).toEqual({
      channel_conversation_id: 'c1',
      channel_chat_id: 'c1|webim',
    });
    expect(WEBIM_CHANNEL_VARIABLES.visitor('v1')).toEqual({ channel_visitor_id: 'v1' });
  });
});
