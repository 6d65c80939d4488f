import { SECRET_VALUE_MAX_BYTES, secretValueProblem } from './secret-value';

describe('secretValueProblem', () => {
  it.each([
    ['an API key', 'sk-live_4f9a/Zq+7=='],
    ['text in any script, with spaces', 'ключ 中文 😀'],
    ['one character', 'x'],
    ['4096 bytes of ASCII', 'x'.repeat(SECRET_VALUE_MAX_BYTES)],
    ['2048 two-byte characters', 'я'.repeat(SECRET_VALUE_MAX_BYTES / 2)],
  ])('accepts %s', (_, value) => {
    expect(secretValueProblem(value)).toBeUndefined();
  });

  it.each([
    ['a number', 7, 'must be a string'],
    ['null', null, 'must be a string'],
    ['an array', ['x'], 'must be a string'],
    ['an empty string', '', 'must not be empty'],
    ['4097 bytes', 'x'.repeat(SECRET_VALUE_MAX_BYTES + 1), 'must be at most 4096 bytes in UTF-8'],
    ['2049 two-byte characters', 'я'.repeat(2049), 'must be at most 4096 bytes in UTF-8'],
    ['a megabyte', 'x'.repeat(1 << 20), 'must be at most 4096 bytes in UTF-8'],
    ['a lone surrogate', 'a\ud800b', 'must be well-formed Unicode (no unpaired surrogate)'],
    ['a line break', 'a\r\nb', 'must not contain control characters (line breaks, tabs…)'],
    ['a NUL', 'a\u0000', 'must not contain control characters (line breaks, tabs…)'],
    ['a C1 control', '\u0085', 'must not contain control characters (line breaks, tabs…)'],
  ])('refuses %s', (_, value, problem) => {
    expect(secretValueProblem(value)).toBe(problem);
  });
});
