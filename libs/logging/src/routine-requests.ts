/**
 * Requests that tell nothing on their own and come all the time: orchestrators' probes,
 * Prometheus scrapes, and the static files of the pages (Bull Board, the API docs), a dozen per
 * page view. They are access-logged at `debug` only.
 */
const ROUTINE = [
  /^\/health(\/|$)/,
  /^\/metrics$/,
  /^\/admin\/queues\/static\//,
  /^\/api\/docs\/[^/]+\.(css|js|map|png|ico|html)$/,
];

export function isRoutineRequest(url: string | undefined): boolean {
  if (url === undefined) return false;
  const path = url.split(/[?#]/, 1)[0];
  return ROUTINE.some((pattern) => pattern.test(path));
}
