// `{{ name }}` placeholders only: no expressions, filters or nesting, so an agent's author (or a
// visitor whose text ends up in a variable) can never make the engine evaluate anything.
export const PLACEHOLDER_SOURCE = '\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\}\\}';
const PLACEHOLDER = new RegExp(PLACEHOLDER_SOURCE, 'g');

/**
 * Replaces each `{{ name }}` with `vars[name]`; an unknown name renders as ''. Only own
 * properties count, so `{{ constructor }}` cannot read from a prototype. Substituted values are
 * not scanned again, and text that is not a valid placeholder is left as it is.
 */
export function renderTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  // A replacer function (not a replacement string) keeps `$&`-style sequences in values literal.
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    if (!Object.hasOwn(vars, name)) return '';
    const value: unknown = vars[name];
    return value === null || value === undefined ? '' : String(value);
  });
}

/** The variable names a template refers to, each once, in order of first use. */
export function templateNames(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1]))];
}
