import type { RawResponse } from './raw-http';

/**
 * Other ways to write a request target for `path` (e.g. `/admin/queues/api/queues`), as an
 * attacker would try them against a check that looks at the raw URL while the router matches a
 * decoded, normalised path. Generated systematically, so that a new kind of spelling is one more
 * rule here rather than one more hand-picked case in a test:
 *
 * - every character but `/` percent-encoded in turn, with upper- and lower-case hex digits, and
 *   all of them at once; every `/` encoded as `%2F` in turn;
 * - every `/` doubled in turn, all of them doubled, a backslash for each;
 * - each segment in upper case and capitalised, the whole path in upper case;
 * - `.` and `..` segments (plain and percent-encoded) before each segment, a trailing `/` or `/.`;
 * - `;`, `?` and `#` suffixes;
 * - the absolute form (`http://host/path`) of the path and of a sample of the above, with the
 *   scheme and host spelt in other ways.
 *
 * The path itself comes first. Duplicates are removed.
 */
export function pathSpellings(path: string, host: string): string[] {
  if (!path.startsWith('/')) throw new Error(`not an absolute path: ${path}`);
  const out = new Set<string>([path]);
  const at = (i: number, replacement: string) => path.slice(0, i) + replacement + path.slice(i + 1);
  const hex = (char: string) => [...Buffer.from(char)].map((b) => b.toString(16).padStart(2, '0'));
  const encode = (char: string, upper: boolean) =>
    hex(char)
      .map((h) => `%${upper ? h.toUpperCase() : h}`)
      .join('');

  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '/') {
      if (i > 0) {
        out.add(at(i, '%2F'));
        out.add(at(i, '%2f'));
      }
      out.add(at(i, '//'));
      out.add(at(i, '\\'));
    } else {
      out.add(at(i, encode(char, true)));
      out.add(at(i, encode(char, false)));
    }
  }
  out.add([...path].map((c) => (c === '/' ? c : encode(c, true))).join(''));
  out.add(path.replace(/\//g, '//'));
  out.add(`/${path}`);

  const segments = path.split('/').slice(1);
  const join = (parts: string[]) => `/${parts.join('/')}`;
  const withSegment = (i: number, segment: string) =>
    join(segments.map((s, j) => (j === i ? segment : s)));
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    out.add(withSegment(i, segment.toUpperCase()));
    out.add(withSegment(i, segment.charAt(0).toUpperCase() + segment.slice(1)));
    out.add(withSegment(i, `${segment};x=1`));
    for (const dots of ['.', '%2e', '%2E']) out.add(withSegment(i, `${dots}/${segment}`));
    for (const dots of ['x/..', 'x/%2e%2e', 'x/%2E%2E', `${segment}/..`]) {
      out.add(withSegment(i, `${dots}/${segment}`));
    }
  }
  out.add(path.toUpperCase());
  out.add(`${path}/`);
  out.add(`${path}/.`);
  out.add(`${path}?x=1`);
  out.add(`${path}#x`);

  const absolute = [...out].filter((_, i) => i % 7 === 0);
  for (const spelling of absolute) out.add(`http://${host}${spelling}`);
  for (const prefix of ['HTTP://', 'https://', 'http://EXAMPLE.com', 'http://user:pw@']) {
    out.add(`${prefix}${prefix.endsWith('//') || prefix.endsWith('@') ? host : ''}${path}`);
  }
  return [...out];
}

/**
 * What a locked route may answer a spelling without credentials: 401 (the lock), 404 (no
 * route), or the 400 the gateway gives a request line HTTP itself does not allow (a backslash
 * first). Never the route's own answer.
 */
export function isRefusal(response: RawResponse): boolean {
  return (
    response.status === 401 ||
    response.status === 404 ||
    (response.status === 400 && response.body.includes('"message":"Malformed HTTP request"'))
  );
}
