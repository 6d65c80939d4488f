export interface BannerFacts {
  /** The gateway's port, as it reported it once ready. */
  port: number;
  /** The demo channel's webhook URL, when the gateway showed it (a demo, in development). */
  demoWebhookUrl?: string;
  /** The admin token when the stack generated it; unset when ADMIN_TOKEN was given. */
  generatedAdminToken?: string;
  /** The data folder as shown to the user, and its logs folder in the short output. */
  dataDir: string;
  logsDir?: string;
}

/**
 * The last lines `npm start` prints, once every process is ready: the three things a user
 * needs next. Each line starts with its label, so a script can find it (`Demo channel webhook
 * URL: (\S+)`).
 */
export function banner(facts: BannerFacts): string {
  const rows: Array<[string, string]> = [
    ['Playground', `http://localhost:${facts.port}/playground`],
    [
      'Demo channel webhook URL',
      facts.demoWebhookUrl ?? 'none shown; GET /api/channels lists them',
    ],
    [
      'Admin token',
      facts.generatedAdminToken
        ? `${facts.generatedAdminToken} (generated; set ADMIN_TOKEN to choose one)`
        : 'from ADMIN_TOKEN',
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const kept = `Ready. Kept in ${facts.dataDir} between starts; npm start -- --fresh starts empty.`;
  const logs = facts.logsDir ? [`Logs: ${facts.logsDir} (LOG_FORMAT=json prints them here)`] : [];
  return [
    '',
    kept,
    ...logs,
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`),
    '',
  ].join('\n');
}
