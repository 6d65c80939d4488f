import { isRoutineRequest } from './routine-requests';

describe('isRoutineRequest', () => {
  it.each([
    '/health/live',
    '/health/ready',
    '/health/ready?x=1',
    '/metrics',
    '/admin/queues/static/js/main.js',
    '/admin/queues/static/favicon-32x32.png',
    '/api/docs/swagger-ui.css',
    '/api/docs/swagger-ui-bundle.js',
  ])('counts %s as routine', (url) => expect(isRoutineRequest(url)).toBe(true));

  it.each([
    '/api/channels',
    '/api/docs',
    '/api/docs-json',
    '/admin/queues',
    '/admin/queues/api/queues',
    '/metricsx',
    '/webim/demo/x',
    undefined,
  ])('logs %s', (url) => expect(isRoutineRequest(url)).toBe(false));
});
