import { renderTemplate } from './template';

describe('renderTemplate', () => {
  it('replaces placeholders, with or without whitespace inside the braces', () => {
    expect(renderTemplate('Hi {{name}}, {{ name }} and {{   name\t}}!', { name: 'Ann' })).toBe(
      'Hi Ann, Ann and Ann!',
    );
  });

  it('renders unknown names as an empty string', () => {
    expect(renderTemplate('[{{missing}}]', {})).toBe('[]');
  });

  it('leaves text that is not a valid placeholder alone', () => {
    const text = '{{1abc}} {{a-b}} {{ a.b }} {name} {{}} {{ name';
    expect(renderTemplate(text, { name: 'x', a: 'y' })).toBe(text);
  });

  it('does not re-render substituted values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'nope' })).toBe('{{b}}');
  });

  it('does not evaluate code or replacement patterns', () => {
    expect(renderTemplate('{{ 1 + 1 }}{{process.exit()}}', {})).toBe(
      '{{ 1 + 1 }}{{process.exit()}}',
    );
    expect(renderTemplate('{{a}}', { a: "$& $' $1 $$" })).toBe("$& $' $1 $$");
  });

  it('does not read prototype properties', () => {
    const vars: Record<string, string> = {};
    expect(
      renderTemplate('[{{constructor}}][{{__proto__}}][{{toString}}][{{hasOwnProperty}}]', vars),
    ).toBe('[][][][]');
  });

  it('reads own __proto__ and constructor keys as data', () => {
    const vars = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
    expect(renderTemplate('{{__proto__}}/{{constructor}}', vars)).toBe('p/c');
  });

  it('works with prototype-less vars', () => {
    const vars = Object.create(null) as Record<string, string>;
    vars.x = '1';
    expect(renderTemplate('{{x}}{{y}}', vars)).toBe('1');
  });

  it('is case-sensitive and supports underscores and digits', () => {
    expect(renderTemplate('{{Name}}{{name}}{{_a1}}', { name: 'n', _a1: 'u' })).toBe('nu');
  });
});
