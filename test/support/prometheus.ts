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

  /** The sample `name` whose labels include `labels`; 0 when there is none (a counter not yet set). */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.samples.find(
      (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
    return sample?.value ?? 0;
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }
}
