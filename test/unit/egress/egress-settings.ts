// Settings and a log recorder shared by the egress specs.
import type { EgressLog, EgressSettings } from '@app/egress';

export function testSettings(overrides: Partial<EgressSettings> = {}): EgressSettings {
  return {
    allowedHosts: ['127.0.0.1', 'localhost', '*.backend.test'],
    allowedPrivate: ['127.0.0.1'],
    maxResponseBytes: 1024 * 1024,
    maxConcurrentPerHost: 16,
    maxHosts: 100,
    deadline: { marginMs: 100, minTimeoutMs: 20 },
    breaker: {
      volumeThreshold: 3,
      errorThresholdPercent: 50,
      resetMs: 300,
      rollingWindowMs: 10_000,
    },
    ...overrides,
  };
}

export interface LogLine {
  level: 'debug' | 'warn';
  fields: Record<string, unknown>;
  message: string;
}

/** A log that keeps its lines, and can wait for one. */
export class RecordingLog implements EgressLog {
  readonly lines: LogLine[] = [];
  private readonly waiters: Array<{ match: (l: LogLine) => boolean; resolve: () => void }> = [];

  debug(fields: object, message: string): void {
    this.add({ level: 'debug', fields: fields as Record<string, unknown>, message });
  }

  warn(fields: object, message: string): void {
    this.add({ level: 'warn', fields: fields as Record<string, unknown>, message });
  }

  /** Resolves at the next line that matches, from now on. */
  next(match: (line: LogLine) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private add(line: LogLine): void {
    this.lines.push(line);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(line)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
