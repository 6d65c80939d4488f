// Variables arrive from the wire and from stored JSON, so a key may be `__proto__` or
// `constructor`. Copies have no prototype: such keys become ordinary data and cannot reach
// Object.prototype, and lookups cannot hit inherited members.

export type Vars = Record<string, string>;

export function emptyVars(): Vars {
  return Object.create(null) as Vars;
}

/**
 * Copies own string entries of each source in order (later ones win). Numbers and booleans are
 * stringified; anything else is dropped, because a stored state may have been tampered with.
 */
export function mergeVars(...sources: unknown[]): Vars {
  const out = emptyVars();
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    for (const key of Object.keys(source)) {
      const value: unknown = (source as Record<string, unknown>)[key];
      if (typeof value === 'string') out[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    }
  }
  return out;
}
