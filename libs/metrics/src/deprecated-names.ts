/**
 * Metrics renamed into the product's own `webim_` prefix (they had BullMQ's, although BullMQ
 * does not define them), by their old name. For one release each is also exported under its old
 * name, with the same values, so that dashboards and alerts can move over; then the old names
 * go.
 */
export const DEPRECATED_METRIC_NAMES: Readonly<Record<string, string>> = {
  bullmq_job_wait_seconds: 'webim_job_wait_seconds',
  bullmq_job_run_seconds: 'webim_job_run_seconds',
  bullmq_job_stalls_total: 'webim_job_stalls_total',
  bullmq_queue_jobs: 'webim_queue_jobs',
  bullmq_queue_paused: 'webim_queue_paused',
};

/** The old names of `name` (none for most metrics). */
export function deprecatedNamesOf(name: string): string[] {
  return Object.keys(DEPRECATED_METRIC_NAMES).filter(
    (old) => DEPRECATED_METRIC_NAMES[old] === name,
  );
}

/** The help text of a deprecated name. */
export function deprecatedHelp(name: string, help: string): string {
  return `Deprecated: the same as ${name}, whose name to use; this one goes in the next release. ${help}`;
}

/**
 * A metric under its name and, for one release, under each of its deprecated names: `make` is
 * called once per name, and the caller records into every one of them.
 */
export function withDeprecatedNames<M>(
  name: string,
  help: string,
  make: (name: string, help: string) => M,
): M[] {
  return [
    make(name, help),
    ...deprecatedNamesOf(name).map((old) => make(old, deprecatedHelp(name, help))),
  ];
}
