import { PLAIN_NAME } from '@app/scenario';
import { ID_RULES, IdKind, idProblem, isValidId } from './id-rules';

// One rule per kind of id, wherever the id arrives. Each row: the kind, the value, and the
// problem it has (undefined: valid). `'\ud800'` is a lone surrogate: well-formed JSON can carry
// it (`"\ud800"`), but it is no Unicode text and has no UTF-8 form.
const cases: [IdKind, string, string, string | undefined][] = [
  // Webim's chat and visitor ids: opaque text.
  ['webim', 'a UUID', '9401b039-ace3-4619-b884-a24e0aaf7adb', undefined],
  ['webim', '32 hex digits', '51b6d2d74ac24af38cbfbb7cf5529845', undefined],
  ['webim', 'one character', 'x', undefined],
  ['webim', 'punctuation, spaces and braces', 'a.b:c|d {e}/f?g#h%i', undefined],
  ['webim', 'any script', 'чат-中文-😀', undefined],
  ['webim', '256 characters of ASCII', 'x'.repeat(256), undefined],
  ['webim', '256 two-byte characters (512 bytes)', 'я'.repeat(256), undefined],
  ['webim', '128 astral characters (256 UTF-16 units)', '😀'.repeat(128), undefined],
  ['webim', 'an empty string', '', 'must not be empty'],
  [
    'webim',
    '257 characters',
    'x'.repeat(257),
    'must be 1 to 256 characters and at most 512 bytes in UTF-8',
  ],
  [
    'webim',
    '255 KB',
    'x'.repeat(255 * 1024),
    'must be 1 to 256 characters and at most 512 bytes in UTF-8',
  ],
  [
    'webim',
    '171 three-byte characters (513 bytes)',
    '中'.repeat(171),
    'must be 1 to 256 characters and at most 512 bytes in UTF-8',
  ],
  [
    'webim',
    '129 astral characters (516 bytes)',
    '😀'.repeat(129),
    'must be 1 to 256 characters and at most 512 bytes in UTF-8',
  ],
  [
    'webim',
    'a lone high surrogate',
    'c\ud800x',
    'must be well-formed Unicode (no unpaired surrogate)',
  ],
  [
    'webim',
    'a lone low surrogate',
    '\udc00',
    'must be well-formed Unicode (no unpaired surrogate)',
  ],
  [
    'webim',
    'surrogates in the wrong order',
    '\ude00\ud83d',
    'must be well-formed Unicode (no unpaired surrogate)',
  ],
  ['webim', 'a newline', 'a\nb', 'must not contain control characters'],
  ['webim', 'a NUL', 'a\u0000', 'must not contain control characters'],
  ['webim', 'DEL', '\u007f', 'must not contain control characters'],
  ['webim', 'a C1 control', '\u0085', 'must not contain control characters'],
  // Channel and agent ids: ours, parts of Redis keys and URLs.
  ['catalog', 'letters, digits, _ and -', 'Shop_2-a', undefined],
  ['catalog', '64 characters', 'a'.repeat(64), undefined],
  ['catalog', '65 characters', 'a'.repeat(65), 'must be 1 to 64 characters'],
  ['catalog', 'an empty string', '', 'must not be empty'],
  ['catalog', 'a dot', 'a.b', 'may contain only letters, digits, "_" and "-"'],
  ['catalog', 'a colon', 'a:b', 'may contain only letters, digits, "_" and "-"'],
  ['catalog', 'a letter outside ASCII', 'é', 'may contain only letters, digits, "_" and "-"'],
  ['catalog', 'a lone surrogate', '\ud800', 'must be well-formed Unicode (no unpaired surrogate)'],
  // Idempotency-Keys of incoming requests.
  ['idempotencyKey', 'visible ASCII', 'order-7.shipped:1%/?', undefined],
  ['idempotencyKey', '128 characters', 'k'.repeat(128), undefined],
  ['idempotencyKey', '129 characters', 'k'.repeat(129), 'must be 1 to 128 characters'],
  ['idempotencyKey', 'a space', 'with space', 'may contain only visible ASCII characters'],
  ['idempotencyKey', 'a letter outside ASCII', 'ключ', 'may contain only visible ASCII characters'],
  // Timer and event names, as agents declare them.
  ['name', 'letters, digits, _, . and -', 'order.shipped-2_x', undefined],
  ['name', '65 characters', 'n'.repeat(65), 'must be 1 to 64 characters'],
  ['name', 'a colon', 'a:b', 'may contain only letters, digits, "_", "." and "-"'],
  // Names of stored secrets: identifiers a template can name.
  ['secret', 'letters, digits and _', 'CRM_api_key2', undefined],
  ['secret', 'one letter', 'k', undefined],
  ['secret', '64 characters', 'K'.repeat(64), undefined],
  ['secret', '65 characters', 'K'.repeat(65), 'must be 1 to 64 characters'],
  ['secret', 'an empty string', '', 'must not be empty'],
  [
    'secret',
    'a digit first',
    '2fa',
    'must start with a letter and contain only letters, digits and "_"',
  ],
  [
    'secret',
    'an underscore first',
    '_key',
    'must start with a letter and contain only letters, digits and "_"',
  ],
  [
    'secret',
    'a dash',
    'api-key',
    'must start with a letter and contain only letters, digits and "_"',
  ],
  [
    'secret',
    'a dot',
    'api.key',
    'must start with a letter and contain only letters, digits and "_"',
  ],
  ['secret', 'a lone surrogate', '\ud800', 'must be well-formed Unicode (no unpaired surrogate)'],
];

describe('the id rule', () => {
  it.each(cases)('%s: %s', (kind, _name, value, problem) => {
    expect(idProblem(kind, value)).toBe(problem);
    expect(isValidId(kind, value)).toBe(problem === undefined);
  });

  it('refuses what is not a string, of every kind', () => {
    for (const kind of Object.keys(ID_RULES) as IdKind[]) {
      for (const value of [undefined, null, 7, ['x'], { id: 'x' }]) {
        expect(idProblem(kind, value)).toBe('must be a string');
      }
    }
  });

  it('describes each rule in words that name its limits', () => {
    expect(ID_RULES.webim.description).toBe(
      '1 to 256 characters and at most 512 bytes in UTF-8, well-formed Unicode, no control characters',
    );
    expect(ID_RULES.catalog.description).toBe('1 to 64 letters, digits, "_" and "-"');
  });

  it('names timers and events as the scenario language does', () => {
    for (const name of [
      'a',
      'order.shipped',
      'x-1_y',
      'n'.repeat(64),
      'n'.repeat(65),
      'a:b',
      'é',
      '',
    ]) {
      expect(isValidId('name', name)).toBe(PLAIN_NAME.test(name));
    }
  });

  it('says how long an id can grow once percent-encoded in a URL path', () => {
    // Every byte of UTF-8 as %XX at worst.
    expect(ID_RULES.webim.maxEncodedLength).toBe(3 * 512);
    expect(encodeURIComponent('я'.repeat(256)).length).toBeLessThanOrEqual(
      ID_RULES.webim.maxEncodedLength,
    );
    expect(encodeURIComponent('%'.repeat(256)).length).toBeLessThanOrEqual(
      ID_RULES.webim.maxEncodedLength,
    );
  });
});
