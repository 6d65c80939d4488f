import { lookup as dnsLookup, LookupAddress, LookupAllOptions, LookupOptions } from 'node:dns';
import type { AddressRules } from '../rules/address-rules';

/** The resolver a connection asks; `dns.lookup` unless a test or a deployment gives another. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** A connection the address rules refused: the name resolved only to addresses not allowed. */
export class EgressRefusal extends Error {
  readonly code = 'EGRESS_REFUSED';
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net/tls.connect that checks what the name resolves to against the address
 * rules at the moment of connecting, so that the address checked is the address connected to
 * (a name that answers a public address first and 127.0.0.1 later gains nothing). Addresses
 * the rules refuse are dropped; when none is left the connection fails with EgressRefusal.
 */
export function guardedLookup(rules: AddressRules, resolver: Resolver = defaultResolver) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolver(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((a) => rules.refusal(a.address) === null);
      if (allowed.length === 0) {
        const why = addresses.length ? rules.refusal(addresses[0].address) : 'no address';
        return callback(new EgressRefusal(`${hostname} resolves to ${why}`), []);
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

const defaultResolver: Resolver = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);
