import { parseIp } from './ip';

interface HostPattern {
  /** Lower-case name or normalised IP; for a wildcard, the suffix after `*`, e.g. `.shop.example`. */
  host: string;
  wildcard: boolean;
  /** Null: any port. */
  port: number | null;
}

const NAME = /^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

/** The hosts a deployment lets calls go to (EGRESS_ALLOWED_HOSTS), parsed once. */
export class HostRules {
  private constructor(private readonly patterns: readonly HostPattern[]) {}

  /**
   * `entries`: `api.shop.example`, `*.shop.example` (any name under it, not itself),
   * `api.shop.example:8443`, `127.0.0.1`, `[::1]:8080`. Throws on an entry that is none of these.
   */
  static parse(entries: readonly string[]): HostRules {
    return new HostRules(entries.map(parsePattern));
  }

  /** Whether a URL's host (as `URL.hostname` spells it) and port are allowed. */
  allows(hostname: string, port: number): boolean {
    const host = normaliseHost(hostname);
    return this.patterns.some(
      (p) =>
        (p.port === null || p.port === port) &&
        (p.wildcard ? host.endsWith(p.host) && host.length > p.host.length : host === p.host),
    );
  }
}

/** A host as compared: lower case, without a trailing dot, IPv6 without brackets and normalised. */
export function normaliseHost(hostname: string): string {
  const bare = hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  return parseIp(bare)?.toString() ?? bare;
}

function parsePattern(entry: string): HostPattern {
  const text = entry.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [host, portText] = bracketed
    ? [bracketed[1], bracketed[2]]
    : text.split(':').length === 2
      ? text.split(':')
      : [text, undefined];
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new Error(`"${entry}" has a bad port`);
  }
  const ip = parseIp(host);
  if (ip) return { host: ip.toString(), wildcard: false, port };
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  if (!NAME.test(name)) {
    throw new Error(`"${entry}" is not a host name, *.name, IP address, or one of them with :port`);
  }
  return { host: wildcard ? `.${name}` : name, wildcard, port };
}
