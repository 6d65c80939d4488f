/** One scrape of a /metrics endpoint (Prometheus text format), for reading samples. */
export class Scrape {
  private readonly samples: { name: string; labels: Record<string, string>; value: number }[];

  constructor(readonly text: string) {
    this.samples = text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const [, name, labels = '', value] = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line) ?? [];
        if (!name) throw new Error(`Not a sample line: ${line}`);
        const pairs = [...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]);
        return { name, labels: Object.fromEntries(pairs), value: Number(value) };
      });
  }

  static async of(baseUrl: string): Promise<Scrape> {
    const response = await fetch(`${baseUrl}/metrics`);
    if (response.status !== 200) throw new Error(`GET ${baseUrl}/metrics: ${response.status}`);
    return new Scrape(await response.text());
  }

  /**
   * The sample `name` whose labels include `labels`. Throws when there is none: a metric that
   * vanished must fail the test, not read as 0.
   */
  value(name: string, labels: Record<string, string> = {}): number {
    const value = this.find(name, labels);
    if (value === undefined) {
      const family = this.samples.filter((s) => s.name === name).map((s) => s.labels);
      throw new Error(
        `No sample ${name}${JSON.stringify(labels)} in the scrape; its samples: ${JSON.stringify(family)}`,
      );
    }
    return value;
  }

  /** The sample `name` whose labels include `labels`, or undefined when there is none. */
  find(name: string, labels: Record<string, string> = {}): number | undefined {
    return this.samples.find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    )?.value;
  }

  /**
   * How much a counter (or a histogram's bucket or count) grew since the scrape `before`. It
   * must be in this scrape; in `before` it may be missing, as a labelled series is until it is
   * first incremented, and then counts as 0.
   */
  since(before: Scrape, name: string, labels: Record<string, string> = {}): number {
    return this.value(name, labels) - (before.find(name, labels) ?? 0);
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }
}
