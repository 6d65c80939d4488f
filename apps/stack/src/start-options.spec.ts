import { startOptions } from './start-options';

const dev = { STACK_FRESH: '0', LOG_FORMAT: 'auto', NODE_ENV: 'development' } as const;

describe('startOptions', () => {
  it('keeps the data unless --fresh or STACK_FRESH says to start empty', () => {
    expect(startOptions([], dev, true).fresh).toBe(false);
    expect(startOptions(['--fresh'], dev, true).fresh).toBe(true);
    expect(startOptions([], { ...dev, STACK_FRESH: '1' }, true).fresh).toBe(true);
    expect(startOptions([], { ...dev, STACK_FRESH: 'true' }, true).fresh).toBe(true);
    expect(startOptions([], { ...dev, STACK_FRESH: 'false' }, true).fresh).toBe(false);
  });

  it('is short on a terminal in development, unless LOG_FORMAT asks for JSON', () => {
    expect(startOptions([], dev, true).output).toBe('short');
    expect(startOptions([], dev, false).output).toBe('full');
    expect(startOptions([], { ...dev, LOG_FORMAT: 'json' }, true).output).toBe('full');
    expect(startOptions([], { ...dev, LOG_FORMAT: 'pretty' }, false).output).toBe('short');
    expect(startOptions([], { ...dev, NODE_ENV: 'production' }, true).output).toBe('full');
  });

  it('refuses an argument it does not know, naming the one it knows', () => {
    expect(() => startOptions(['--fresh', '--frsh'], dev, true)).toThrow(
      'Unknown argument --frsh: npm start takes --fresh (start empty: npm start -- --fresh)',
    );
  });
});
