import { Writable } from 'node:stream';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { createLogger, toTemporalLogger, type LoggerOptions } from '../src/logger';
import { Secret } from '../src/secret';

function capture(options: Omit<LoggerOptions, 'stream'> = {}) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ ...options, stream, now: () => new Date('2026-01-02T03:04:05.000Z') });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('logger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const { logger, records, lines } = capture();
    logger.info('check started', { workflowId: 'bgcheck-p1' });
    logger.warn('slow');
    expect(lines).toHaveLength(2);
    expect(records()).toEqual([
      { time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'check started', workflowId: 'bgcheck-p1' },
      { time: '2026-01-02T03:04:05.000Z', level: 'warn', msg: 'slow' },
    ]);
  });

  it('drops lines below the configured level', () => {
    const { logger, records } = capture({ level: 'warn' });
    logger.debug('noise');
    logger.info('noise');
    logger.error('kept');
    expect(records().map((r) => r.msg)).toEqual(['kept']);
  });

  it('never prints a Secret value, even nested or in a child logger', () => {
    const { logger, lines } = capture({ level: 'trace' });
    const secret = new Secret('sk_live_do-not-print');
    logger.child({ apiKey: secret }).info('config', { nested: { token: secret, list: [secret] } });
    expect(lines.join('\n')).not.toContain('do-not-print');
    expect(lines.join('\n')).toContain('[redacted]');
  });

  it('serialises errors to name, message and type; stacks only at debug', () => {
    const failure = Object.assign(new Error('vendor said no'), { type: 'RateLimited' });
    const info = capture();
    info.logger.error('failed', { error: failure });
    expect(info.records()[0].error).toEqual({ name: 'Error', message: 'vendor said no', type: 'RateLimited' });
    const debug = capture({ level: 'debug' });
    debug.logger.error('failed', { error: failure });
    expect((debug.records()[0].error as { stack: string }).stack).toContain('vendor said no');
  });

  it('survives circular structures and bigints', () => {
    const { logger, records } = capture();
    const loop: Record<string, unknown> = { n: 1n };
    loop.self = loop;
    logger.info('odd', { loop });
    expect(records()[0].loop).toEqual({ n: '1', self: '[circular]' });
  });

  it('adapts to the Temporal SDK logger interface', () => {
    const { logger, records } = capture({ level: 'debug' });
    const temporalLogger = toTemporalLogger(logger.child({ component: 'worker' }));
    temporalLogger.log('WARN', 'via log', { taskQueue: 'q' });
    temporalLogger.debug('via debug');
    temporalLogger.trace('dropped');
    expect(records()).toMatchObject([
      { level: 'warn', msg: 'via log', component: 'worker', taskQueue: 'q' },
      { level: 'debug', msg: 'via debug', component: 'worker' },
    ]);
  });

  it('redacts personal data and credentials wherever a caller puts them', () => {
    const { logger, lines } = capture();
    logger.info('event', {
      event: { profileId: 'p1', agent: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.org' } },
      headers: { authorization: 'Bearer sk_live_x', 'goodstack-signature': 'abc123' },
      email: 'grace@example.org',
    });
    const text = lines.join('\n');
    for (const value of ['Ada', 'Lovelace', 'ada@example.org', 'sk_live_x', 'abc123', 'grace@example.org']) {
      expect(text).not.toContain(value);
    }
    expect(text).toContain('"profileId":"p1"');
  });

  it("carries the active span's trace_id and span_id", () => {
    const provider = new NodeTracerProvider();
    provider.register();
    try {
      const tracer = provider.getTracer('test');
      const { logger, records } = capture();
      logger.info('outside');
      const span = tracer.startSpan('work');
      context.with(trace.setSpan(context.active(), span), () => logger.child({ c: 1 }).info('inside'));
      span.end();
      const [outside, inside] = records();
      expect(outside.trace_id).toBeUndefined();
      expect(inside).toMatchObject({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId, c: 1 });
    } finally {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  });
});
