import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The registry of one process, with Node's process metrics (CPU, memory, event loop lag, GC).
 * Its own instance rather than prom-client's global one, so that tests and libraries that
 * touch the global registry cannot collide with the product's metric names.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
