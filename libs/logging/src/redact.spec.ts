import pino from 'pino';
import { REDACT_PATHS, redactUrl } from './redact';

const TOKEN = 'WKFrRPH0Ig-ZOR5-U5TM4y3PHbh3u_Wb';
const ADMIN = 'fSZpswSKb5LHA4qog58HeHIPUFfuOyn_';

/** The percent-encoded form of every character of `text`. */
const encoded = (text: string) =>
  [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');

describe('redactUrl', () => {
  it.each([
    // [what, url as received, as logged]
    ['the webhook', `/webim/demo/${TOKEN}`, '/webim/demo/[redacted]'],
    ['with a query', `/webim/demo/${TOKEN}?a=1`, '/webim/demo/[redacted]?a=[redacted]'],
    ['with more segments', `/webim/demo/${TOKEN}/x/y`, '/webim/demo/[redacted]'],
    ['with a trailing slash', `/webim/demo/${TOKEN}/`, '/webim/demo/[redacted]'],
    ['in capitals', `/WEBIM/demo/${TOKEN}`, '/WEBIM/demo/[redacted]'],
    ['capitalised', `/Webim/demo/${TOKEN}`, '/Webim/demo/[redacted]'],
    ['after a doubled slash', `//webim/demo/${TOKEN}`, '//webim/demo/[redacted]'],
    ['with doubled slashes inside', `/webim//demo//${TOKEN}`, '/webim/[redacted]'],
    ['with a backslash', `/webim\\demo\\${TOKEN}`, '/webim/demo/[redacted]'],
    ['under another path', `/x/webim/demo/${TOKEN}`, '/x/webim/demo/[redacted]'],
    ['after a dot segment', `/x/../webim/demo/${TOKEN}`, '/x/../webim/demo/[redacted]'],
    ['with a dot segment inside', `/webim/./demo/${TOKEN}`, '/webim/[redacted]'],
    ['with matrix parameters', `/webim;x=1/demo/${TOKEN}`, '/webim;x=1/demo/[redacted]'],
    ['with an id that is not one', `/webim/demo;x/${TOKEN}`, '/webim/[redacted]'],
    ['with one letter encoded', `/web%69m/demo/${TOKEN}`, '/webim/demo/[redacted]'],
    ['with lower-case hex', `/webi%6d/demo/${TOKEN}`, '/webim/demo/[redacted]'],
    [
      'entirely encoded',
      `/${encoded('webim')}/${encoded('demo')}/${encoded(TOKEN)}`,
      '/webim/demo/[redacted]',
    ],
    ['with encoded slashes', `/webim%2Fdemo%2F${TOKEN}`, '/webim/demo/[redacted]'],
    ['encoded twice', `/%2577ebim/demo/${TOKEN}`, '/webim/demo/[redacted]'],
    ['with its token partly encoded', `/webim/demo/%${TOKEN}`, '/webim/demo/[redacted]'],
    ['with a malformed escape', `/webim/demo/${TOKEN}%zz`, '/webim/demo/[redacted]'],
    [
      'in absolute form',
      `http://gw.example:3000/webim/demo/${TOKEN}`,
      'http://gw.example:3000/webim/demo/[redacted]',
    ],
    [
      'in absolute form, scheme in capitals',
      `HTTP://gw.example/WEBIM/demo/${TOKEN}`,
      'HTTP://gw.example/WEBIM/demo/[redacted]',
    ],
    [
      'in absolute form with a user',
      `http://u:${ADMIN}@gw.example/webim/demo/${TOKEN}`,
      'http://[redacted]@gw.example/webim/demo/[redacted]',
    ],
    ['with a fragment', `/webim/demo/${TOKEN}#${TOKEN}`, '/webim/demo/[redacted]#[redacted]'],
    ['without a token', '/webim/demo', '/webim/demo'],
  ])('redacts the token of %s', (_, url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it.each([
    ['a token parameter', `/api/channels?token=${ADMIN}`, '/api/channels?token=[redacted]'],
    ['any parameter', `/health/live?x=${ADMIN}`, '/health/live?x=[redacted]'],
    [
      'each of several',
      `/p?a=1&access_token=${ADMIN}&b=`,
      '/p?a=[redacted]&access_token=[redacted]&b=[redacted]',
    ],
    ['a value with separators', `/p?a=1;token=${ADMIN}`, '/p?a=[redacted]'],
    ['an encoded value', `/p?token=${encoded(ADMIN)}`, '/p?token=[redacted]'],
    ['a secret for a name', `/p?${ADMIN}=1`, '/p?[redacted]=[redacted]'],
    ['a secret alone', `/p?${ADMIN}`, '/p?[redacted]'],
    ['a name alone', '/p?debug', '/p?debug'],
    ['an empty query', '/p?', '/p?'],
    [
      'in absolute form',
      `http://h/api/channels?token=${ADMIN}`,
      'http://h/api/channels?token=[redacted]',
    ],
    ['a fragment', `/api/channels#${ADMIN}`, '/api/channels#[redacted]'],
  ])('redacts %s of a query string', (_, url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it('leaves other paths as they were sent', () => {
    for (const url of ['/api/channels/demo', '/admin/%71ueues/api/queues', '//x//y', '/', '*']) {
      expect(redactUrl(url)).toBe(url);
    }
    expect(redactUrl(undefined)).toBeUndefined();
  });

  it('writes control characters a decoded webhook path holds as escapes', () => {
    expect(redactUrl(`/webim%0A/demo/${TOKEN}`)).toBe('/webim%0A/demo/[redacted]');
  });
});

describe('REDACT_PATHS', () => {
  /** What a logger with the product's redaction writes for `object`. */
  const written = (object: object) => {
    const lines: string[] = [];
    const logger = pino(
      { redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      { write: (line: string) => lines.push(line) },
    );
    logger.info(object, 'line');
    return lines.join('');
  };

  it("redacts a stored secret's value at the top of a line or one level down", () => {
    const secret = 'sk-live-never-logged';
    expect(written({ value: secret })).not.toContain(secret);
    expect(written({ body: { value: secret, name: 'CRM_KEY' } })).not.toContain(secret);
    expect(written({ body: { value: secret, name: 'CRM_KEY' } })).toContain('CRM_KEY');
  });

  it('redacts passwords and tokens in fields', () => {
    const line = written({ webim: { password: 'pw-1' }, channel: { token: 'tk-1' } });
    expect(line).not.toMatch(/pw-1|tk-1/);
  });
});
