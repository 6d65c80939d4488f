import { ID_RULES } from '@app/ids';
import { MAX_PARAM_LENGTH, routerRefusal } from './router-options';

describe('the router options', () => {
  it('let through every chat id the rule allows, however it is percent-encoded', () => {
    const longest = ['x'.repeat(256), 'я'.repeat(256), '%'.repeat(256), '/'.repeat(256)];
    for (const id of longest) {
      expect(encodeURIComponent(id).length).toBeLessThanOrEqual(MAX_PARAM_LENGTH);
    }
    expect(MAX_PARAM_LENGTH).toBe(3 * ID_RULES.webim.maxBytes);
  });

  it("answer the router's own refusals in the error format, naming no path", () => {
    expect(routerRefusal({ code: 'FST_ERR_BAD_URL' })).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'The path is not valid percent-encoded UTF-8',
    });
    expect(routerRefusal({ code: 'FST_ERR_MAX_PARAM_LENGTH' })).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: `A path segment is longer than ${MAX_PARAM_LENGTH} characters`,
    });
    expect(routerRefusal({ code: 'FST_ERR_ASYNC_CONSTRAINT' })).toMatchObject({ statusCode: 500 });
  });
});
