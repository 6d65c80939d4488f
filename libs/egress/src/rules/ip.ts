import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * An IP address in its canonical spellings only (dotted quad, or IPv6), or null. ipaddr.js's
 * `isValid` also takes `127.1` and `0x7f000001`, which a host name pattern must not become.
 * IPv4-mapped IPv6 is returned as the IPv4 address it carries.
 */
export function parseIp(text: string): IpAddress | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.process(text);
  return null;
}
