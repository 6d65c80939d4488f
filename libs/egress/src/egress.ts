import { Agent } from 'undici';
import type { Registry } from 'prom-client';
import { DeadlineRules, effectiveTimeout } from './deadline';
import { EgressMetrics } from './egress-metrics';
import { BreakerSettings, HostFailure, HostRegistry } from './hosts/host-registry';
import { maskSecrets } from '@app/logging';
import { EgressOutcome, isHostFailure } from './outcome';
import type { EgressRequest } from './request';
import { AddressRules } from './rules/address-rules';
import { HostRules, normaliseHost } from './rules/host-rules';
import { parseIp } from './rules/ip';
import { guardedLookup, Resolver } from './transport/guarded-lookup';
import { sendRequest } from './transport/send-request';

export interface EgressSettings {
  /** EGRESS_ALLOWED_HOSTS, parsed into entries. */
  allowedHosts: readonly string[];
  /** EGRESS_ALLOWED_PRIVATE, parsed into entries. */
  allowedPrivate: readonly string[];
  maxResponseBytes: number;
  /** Requests in flight to one host, and its pool's connections. */
  maxConcurrentPerHost: number;
  /** Hosts whose breakers and slots are kept (least recently used dropped beyond). */
  maxHosts: number;
  deadline: DeadlineRules;
  breaker: BreakerSettings;
}

/** What the adapter logs through: a pino logger fits. */
export interface EgressLog {
  debug(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface EgressOptions {
  registry?: Registry;
  log?: EgressLog;
  /** Replaces dns.lookup: for tests, or a deployment's own resolver. Its answers are checked. */
  resolver?: Resolver;
  now?: () => number;
}

/** The metric label of a host refused before any request: the allow-list bounds the others. */
const REFUSED_HOST_LABEL = 'refused';

/** undici's own ceilings, a safety net under each request's timeout, which comes first. */
const TRANSPORT_CEILING_MS = 60_000;

/**
 * Sends outbound requests for scenarios under the deployment's egress rules and answers each
 * with an outcome; it never throws for a failure of the request. One instance per process: it
 * owns the connection pools (keep-alive, one pool per origin) and the per-host breakers.
 */
export class Egress {
  private readonly hosts: HostRules;
  private readonly addresses: AddressRules;
  private readonly agent: Agent;
  private readonly registry: HostRegistry;
  private readonly metrics?: EgressMetrics;
  private readonly now: () => number;

  constructor(
    private readonly settings: EgressSettings,
    private readonly options: EgressOptions = {},
  ) {
    this.hosts = HostRules.parse(settings.allowedHosts);
    this.addresses = AddressRules.parse(settings.allowedPrivate);
    this.now = options.now ?? Date.now;
    this.metrics = options.registry ? new EgressMetrics(options.registry) : undefined;
    this.agent = new Agent({
      connections: settings.maxConcurrentPerHost,
      connect: { lookup: guardedLookup(this.addresses, options.resolver) },
      headersTimeout: TRANSPORT_CEILING_MS,
      bodyTimeout: TRANSPORT_CEILING_MS,
    });
    this.registry = new HostRegistry(
      {
        ...settings.breaker,
        maxHosts: settings.maxHosts,
        perHost: settings.maxConcurrentPerHost,
      },
      (host, state, changed) => {
        this.metrics?.breaker(host, state);
        if (changed) options.log?.warn({ host, state }, 'egress breaker state changed');
      },
      (host) => this.metrics?.forgetBreaker(host),
    );
  }

  async send(request: EgressRequest): Promise<EgressOutcome> {
    const started = this.now();
    const target = this.target(request.url);
    let outcome: EgressOutcome;
    let sent = false;
    if ('refused' in target) {
      outcome = { kind: 'refused', reason: target.refused };
    } else {
      const timeoutMs = effectiveTimeout(
        request.timeoutMs,
        request.deadline,
        started,
        this.settings.deadline,
      );
      if (timeoutMs === null) {
        outcome = { kind: 'timeout', reason: 'too little time left before the deadline to send' };
      } else {
        sent = true;
        outcome = await this.throughBreaker(target.host, request, timeoutMs);
        if (outcome.kind === 'breaker_open') sent = false;
      }
    }
    outcome = { ...outcome, reason: maskSecrets(outcome.reason, request.secrets ?? []) };
    const host = 'host' in target ? target.host : REFUSED_HOST_LABEL;
    const elapsed = this.now() - started;
    this.metrics?.record(host, outcome.kind, sent ? elapsed / 1000 : null);
    this.options.log?.debug(
      {
        host,
        method: request.method,
        outcome: outcome.kind,
        status: 'status' in outcome ? outcome.status : undefined,
        ms: elapsed,
        reason: outcome.reason,
      },
      'egress request',
    );
    return outcome;
  }

  /** Closes the connection pools and the breakers' timers. */
  async close(): Promise<void> {
    this.registry.shutdown();
    await this.agent.close();
  }

  /** The breaker's key and metric label (`host` or `host:port`), or why the URL is refused. */
  private target(url: string): { host: string } | { refused: string } {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { refused: 'not a URL' };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { refused: 'not an http(s) URL' };
    }
    if (parsed.username || parsed.password) return { refused: 'credentials in the URL' };
    const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    const hostname = normaliseHost(parsed.hostname);
    if (!this.hosts.allows(hostname, port)) {
      return { refused: `${hostname} is not in EGRESS_ALLOWED_HOSTS` };
    }
    // A literal address is connected to without a lookup: the guard there never sees it.
    if (parseIp(hostname)) {
      const why = this.addresses.refusal(hostname);
      if (why) return { refused: `${hostname} is ${why}` };
    }
    return { host: parsed.host.toLowerCase() };
  }

  /**
   * Sends the request through the host's breaker. Only what says something about the host
   * counts for it: a wait for a free connection is this process's queue, not the host's
   * failure; and a request given less than its whole timeout and less than JUDGED_TIMEOUT_MS
   * (a sliver left by a turn that waited in the queue) does not count at all.
   */
  private async throughBreaker(
    host: string,
    request: EgressRequest,
    timeoutMs: number,
  ): Promise<EgressOutcome> {
    const entry = this.registry.for(host);
    if (entry.breaker.opened) return breakerOpen(host);
    const controller = new AbortController();
    // The one timer of the request: it bounds the wait for a slot, the connection and the body.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const judged = timeoutMs >= Math.min(request.timeoutMs, JUDGED_TIMEOUT_MS);
    try {
      if (!(await entry.slots.acquire(controller.signal))) {
        return { kind: 'timeout', reason: `no free connection to the host within ${timeoutMs} ms` };
      }
      const send = () =>
        sendRequest(this.agent, request, controller.signal, this.settings.maxResponseBytes);
      try {
        // Too short a time to judge the host by: sent past the breaker, counted neither way.
        if (!judged) return await send();
        return await entry.breaker.fire(async () => {
          const outcome = await send();
          if (isHostFailure(outcome)) throw new HostFailure(outcome);
          return outcome;
        });
      } finally {
        entry.slots.release();
      }
    } catch (error) {
      if (error instanceof HostFailure) return error.outcome;
      if ((error as { code?: string }).code === 'EOPENBREAKER') return breakerOpen(host);
      return { kind: 'network_error', reason: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A request timing out after at least this long (or its whole timeout) counts against its host. */
const JUDGED_TIMEOUT_MS = 1000;

function breakerOpen(host: string): EgressOutcome {
  return { kind: 'breaker_open', reason: `${host} failed too often lately` };
}
