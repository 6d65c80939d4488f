// Helpers shared by this library's specs (not part of its API).
import type { Registry } from 'prom-client';

type Sample = { metricName?: string; value: number; labels: Record<string, string | number> };

/**
 * The value of one sample, e.g. `sample(r, 'webim_answers_total', {channel: 'a'})`, or of a
 * histogram's `_count`/`_sum`/`_bucket` series by its full name; undefined when absent.
 */
export async function sample(
  registry: Registry,
  name: string,
  labels: Record<string, string | number> = {},
): Promise<number | undefined> {
  const family = name.replace(/_(bucket|count|sum)$/, '');
  const metric = registry.getSingleMetric(family) ?? registry.getSingleMetric(name);
  if (!metric) return undefined;
  // Histograms name each sample (`_bucket`, `_count`, `_sum`); prom-client's type omits it.
  const values = (await metric.get()).values as Sample[];
  const match = values.find(
    (v) =>
      (v.metricName ?? family) === name &&
      Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  );
  return match?.value;
}
