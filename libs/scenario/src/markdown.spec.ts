import { markdownToText } from './markdown';

describe('markdownToText', () => {
  describe('emphasis', () => {
    it.each([
      ['**bold**', 'bold'],
      ['__bold__', 'bold'],
      ['*italic*', 'italic'],
      ['_italic_', 'italic'],
      ['***both***', 'both'],
      ['**bold _and italic_ inside**', 'bold and italic inside'],
      ['*a **b** c*', 'a b c'],
      ['Say **hello**, then *wave*.', 'Say hello, then wave.'],
      ['(*note*)', '(note)'],
      ['"**quoted**"', '"quoted"'],
      ['**Привет**, _мир_', 'Привет, мир'],
      ['**multi word bold** and __more__', 'multi word bold and more'],
      ['*a * b*', 'a * b'],
      ['*x*', 'x'],
    ])('turns %j into %j', (source, text) => {
      expect(markdownToText(source)).toBe(text);
    });

    it.each([
      'snake_case_name',
      'a*b*c',
      '2*3*4 = 24',
      '2 * 3 * 4 = 24',
      'x_1 + y_2',
      '__init__py',
      'http://x/a_b_c',
      'see https://example.com/_private_/file_*x*_ now',
      'www.example.com/a_b_',
      'not * closed',
      '** not closed either',
      'a lone _ underscore',
      '** spaced **',
      'a * spaced *',
      '****',
      'price: 5*',
      'ünï_cödé_wörd',
      'mail me at first_last@example.com',
    ])('leaves %j alone', (text) => {
      expect(markdownToText(text)).toBe(text);
    });

    it('does not join emphasis across lines', () => {
      expect(markdownToText('*one\ntwo*')).toBe('*one\ntwo*');
      expect(markdownToText('_a_\n_b_')).toBe('a\nb');
    });
  });

  describe('code', () => {
    it('removes the backticks of inline code and keeps its text as it is', () => {
      expect(markdownToText('Run `npm install` now')).toBe('Run npm install now');
      expect(markdownToText('`**not bold**` and `a_b_c`')).toBe('**not bold** and a_b_c');
      expect(markdownToText('``a ` b``')).toBe('a ` b');
      expect(markdownToText('`` `x` ``')).toBe('`x`');
      expect(markdownToText('```one line```')).toBe('one line');
    });

    it('keeps a backtick that opens nothing', () => {
      expect(markdownToText('it`s one tick')).toBe('it`s one tick');
      // Two of them do make a code span, as in CommonMark.
      expect(markdownToText('it`s a `tick')).toBe('its a tick');
      expect(markdownToText('a ` b')).toBe('a ` b');
    });

    it('keeps the content of fenced code blocks, without the fences', () => {
      expect(
        markdownToText(
          ['Before:', '```js', 'const *a* = b_c_d;', '# not a heading', '```', 'After **x**'].join(
            '\n',
          ),
        ),
      ).toBe(['Before:', 'const *a* = b_c_d;', '# not a heading', 'After x'].join('\n'));
    });

    it('supports ~~~ fences, longer closing fences and indented fences', () => {
      expect(markdownToText('~~~\n*x*\n~~~~\n*y*')).toBe('*x*\ny');
      expect(markdownToText('  ```\n  indented\n    more\n  ```')).toBe('indented\n  more');
      expect(markdownToText('````\n```\nstill code\n````')).toBe('```\nstill code');
    });

    it('keeps an unclosed fence as code to the end', () => {
      expect(markdownToText('a\n```\n**b**')).toBe('a\n**b**');
    });
  });

  describe('links', () => {
    it.each([
      ['[our site](https://example.com)', 'our site (https://example.com)'],
      ['![a cat](https://example.com/cat.png)', 'a cat (https://example.com/cat.png)'],
      ['[docs](https://x.io/a_b_c "Title")', 'docs (https://x.io/a_b_c)'],
      ['[docs](<https://x.io/a b>)', 'docs (https://x.io/a b)'],
      [
        '[wiki](https://en.wikipedia.org/wiki/Foo_(bar))',
        'wiki (https://en.wikipedia.org/wiki/Foo_(bar))',
      ],
      ['[https://x.io](https://x.io)', 'https://x.io'],
      ['![](https://x.io/i.png)', 'https://x.io/i.png'],
      ['[**bold** link](https://x.io/*a*)', 'bold link (https://x.io/*a*)'],
      ['<https://x.io/_a_>', 'https://x.io/_a_'],
      ['<mailto:a_b@x.io>', 'mailto:a_b@x.io'],
      ['[empty]()', 'empty'],
      [
        'see [a](https://a.io) and [b](https://b.io).',
        'see a (https://a.io) and b (https://b.io).',
      ],
    ])('turns %j into %j', (source, text) => {
      expect(markdownToText(source)).toBe(text);
    });

    it('keeps brackets that are not links', () => {
      expect(markdownToText('[not a link] (really)')).toBe('[not a link] (really)');
    });

    it('protects bare addresses from emphasis, and keeps the punctuation after them', () => {
      expect(markdownToText('(see https://x.io/_a_/b*c*).')).toBe('(see https://x.io/_a_/b*c*).');
      expect(markdownToText('**https://x.io/a_b**')).toBe('https://x.io/a_b');
    });
  });

  describe('blocks', () => {
    it.each([
      ['# Title', 'Title'],
      ['###### Six', 'Six'],
      ['## Closed ##', 'Closed'],
      ['# C#', 'C#'],
      ['   # Indented', 'Indented'],
      ['# **Bold** title', 'Bold title'],
      ['#', ''],
    ])('turns the heading %j into %j', (source, text) => {
      expect(markdownToText(source)).toBe(text);
    });

    it.each(['#hashtag', '####### seven', '    # four spaces is not a heading'])(
      'leaves %j alone',
      (text) => {
        expect(markdownToText(text)).toBe(text);
      },
    );

    it('turns * and + list markers into -, keeping indentation', () => {
      expect(markdownToText('* one\n+ two\n  * *nested*\n- three\n1. four')).toBe(
        '- one\n- two\n  - nested\n- three\n1. four',
      );
    });

    it('keeps rules and lone markers', () => {
      expect(markdownToText('a\n***\nb\n---\n___\n* * *')).toBe('a\n***\nb\n---\n___\n* * *');
      expect(markdownToText('*\n+')).toBe('*\n+');
    });
  });

  describe('escapes and templates', () => {
    it('turns backslash escapes into the character', () => {
      expect(markdownToText('\\*not italic\\*')).toBe('*not italic*');
      expect(markdownToText('5 \\* 3 and \\_x\\_ and \\# and \\\\')).toBe(
        '5 * 3 and _x_ and # and \\',
      );
      expect(markdownToText('\\[not a link](x)')).toBe('[not a link](x)');
      expect(markdownToText('\\`not code`')).toBe('`not code`');
    });

    it('keeps backslashes before other characters', () => {
      expect(markdownToText('C:\\Users\\ann and \\d+')).toBe('C:\\Users\\ann and \\d+');
    });

    it('never changes {{templates}}', () => {
      expect(markdownToText('Hi {{_first_}} {{ snake_case_var }} **{{name}}**')).toBe(
        'Hi {{_first_}} {{ snake_case_var }} {{name}}',
      );
      expect(markdownToText('_{{a_b}}_ and `{{c}}` and [x](https://x.io/{{id}})')).toBe(
        '{{a_b}} and {{c}} and x (https://x.io/{{id}})',
      );
      expect(markdownToText('Hello {{visitor_name}}\nI am the bot.')).toBe(
        'Hello {{visitor_name}}\nI am the bot.',
      );
    });
  });

  describe('the text as a whole', () => {
    it('keeps plain text, line breaks and whitespace exactly', () => {
      const text = "Hello!\n\n  Indented line\t with tab.\nWe're open 9:00-18:00 - 1-3 days.\n";
      expect(markdownToText(text)).toBe(text);
      expect(markdownToText('')).toBe('');
    });

    it('keeps long texts whole', () => {
      const paragraph = 'This is **a long** text with _emphasis_. ';
      const source = paragraph.repeat(100);
      const text = markdownToText(source);
      expect(source.length).toBeGreaterThan(1000);
      expect(text).toBe('This is a long text with emphasis. '.repeat(100));
    });

    it('is not confused by private-use characters in the source', () => {
      const text = '\uE000 0\uE001 **b** \uE002';
      expect(markdownToText(text)).toBe('\uE000 0\uE001 b \uE002');
    });

    it('converts a typical message', () => {
      expect(
        markdownToText(
          [
            '## Delivery',
            '**Free** shipping over 50 EUR. See [terms](https://shop.io/terms_of_sale).',
            '* Standard: _1-3 days_',
            '* Express: `next_day`',
          ].join('\n'),
        ),
      ).toBe(
        [
          'Delivery',
          'Free shipping over 50 EUR. See terms (https://shop.io/terms_of_sale).',
          '- Standard: 1-3 days',
          '- Express: next_day',
        ].join('\n'),
      );
    });
  });
});
