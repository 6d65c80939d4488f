import { banner } from './banner';

describe('banner', () => {
  it('ends with the playground, the demo webhook URL and the generated admin token', () => {
    const text = banner({
      port: 3000,
      demoWebhookUrl: 'http://localhost:3000/webim/demo/abc',
      generatedAdminToken: 'token-1234567890abcdef',
      dataDir: '.data',
      logsDir: '.data/logs',
    });
    expect(text.trim().split('\n').slice(-3)).toEqual([
      '  Playground:               http://localhost:3000/playground',
      '  Demo channel webhook URL: http://localhost:3000/webim/demo/abc',
      '  Admin token:              token-1234567890abcdef (generated; set ADMIN_TOKEN to choose one)',
    ]);
    expect(text).toContain('Kept in .data between starts; npm start -- --fresh starts empty.');
    expect(text).toContain('Logs: .data/logs');
  });

  it('names where a given token and the webhook URLs come from instead of showing them', () => {
    const text = banner({ port: 3100, dataDir: '/var/lib/wg' });
    expect(text).toContain('Admin token:              from ADMIN_TOKEN');
    expect(text).toContain('Demo channel webhook URL: none shown; GET /api/channels lists them');
    expect(text).not.toContain('Logs:');
  });
});
