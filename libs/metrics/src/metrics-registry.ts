import { collectDefaultMetrics, Registry } from 'prom-client';
import { BuildInfo, buildInfoGauge } from './build-info';

/**
 * The registry of one process, with Node's process metrics (CPU, memory, event loop lag, GC) and
 * `webim_build_info` when the build is given. Its own instance rather than prom-client's global
 * one, so that tests and libraries that touch the global registry cannot collide with the
 * product's metric names.
 */
export function createMetricsRegistry(build?: BuildInfo): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (build) buildInfoGauge(registry, build);
  return registry;
}
