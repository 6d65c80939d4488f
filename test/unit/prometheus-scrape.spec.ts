import { Scrape } from '../support/prometheus';

// The e2e metric assertions read scrapes through Scrape: a series that is missing must never
// pass for a zero.

const TEXT = `# HELP webim_answers_total Answers.
# TYPE webim_answers_total counter
webim_answers_total{channel="demo",outcome="answered",reason="none"} 3
webim_answers_total{channel="demo",outcome="handed_off",reason="timeout"} 0
# TYPE webim_workers_alive gauge
webim_workers_alive 1
`;

describe('Scrape', () => {
  const scrape = new Scrape(TEXT);

  it('reads a sample by name and a subset of its labels, a zero included', () => {
    expect(scrape.value('webim_answers_total', { outcome: 'answered' })).toBe(3);
    expect(scrape.value('webim_answers_total', { reason: 'timeout' })).toBe(0);
    expect(scrape.value('webim_workers_alive')).toBe(1);
  });

  it('throws for a sample that is not there, naming the samples of its family', () => {
    expect(() => scrape.value('webim_answers_total', { reason: 'breaker_open' })).toThrow(
      /No sample webim_answers_total\{"reason":"breaker_open"\}.*"reason":"timeout"/,
    );
    expect(() => scrape.value('webim_breaker_state')).toThrow(/No sample webim_breaker_state/);
  });

  it('finds a missing sample as undefined', () => {
    expect(scrape.find('webim_answers_total', { reason: 'breaker_open' })).toBeUndefined();
    expect(scrape.find('webim_answers_total', { reason: 'timeout' })).toBe(0);
  });

  it('counts growth from a scrape that did not have the series yet, never to one that lost it', () => {
    const before = new Scrape('webim_workers_alive 1\n');
    expect(scrape.since(before, 'webim_answers_total', { outcome: 'answered' })).toBe(3);
    expect(() => before.since(scrape, 'webim_answers_total', { outcome: 'answered' })).toThrow(
      /No sample/,
    );
  });
});
