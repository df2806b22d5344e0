/**
 * Differential check of the embedded service against another server, in dev-server mode:
 * `npm run differential -w @bgcheck/embedded-temporal -- --server <temporal CLI> [scenario...]`
 * (from the repository root, `npm run differential:package` installs the official CLI and passes it).
 *
 * Runs the package's own scenarios (`scenarios.ts`) on this service and on the given server, each
 * launched as `TestWorkflowEnvironment.createLocal()` launches a dev server, with the same worker,
 * and compares every history they leave (continue-as-new, retry and child runs included) event
 * by event with `compare.ts`. Prints a Markdown report; exit code 0 when there is no difference,
 * 1 when there are differences, 2 when it could not run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { retryServerStart } from '../src';
import { createWorker } from '../test/helpers/worker';
import * as activities from '../test/activities';
import * as operatorActivities from '../test/operator-activities';
import { compareHistories, type Difference } from './compare';
import { SCENARIOS, type Execution, type Scenario } from './scenarios';

const EMBEDDED = path.resolve(__dirname, '../bin/embedded-temporal');
/** Longer than any scenario takes on a loaded machine; a scenario past it is reported, not waited for. */
const SCENARIO_TIMEOUT_MS = 60_000;

const USAGE = `usage: npm run differential -w @bgcheck/embedded-temporal -- --server <executable> [--dump <dir>] [scenario...]
  --server: the server to compare with, launched as \`<executable> server start-dev ...\` (the temporal CLI)
  --dump: also write each server's histories as JSON there (<server>.<scenario>.json)
  scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

type Json = Record<string, unknown>;

/** One recorded history: which execution it is (by position, the same on both servers) and its JSON. */
interface Recorded {
  label: string;
  history: { events?: Json[] };
}

type Outcome = { histories: Recorded[] } | { error: string };

/**
 * Runs a scenario with an abort signal on every client call it makes (and on its waits), aborted
 * after `ms`: a scenario that hangs on one server leaves no call retrying into the next one.
 */
async function withTimeout<T>(
  client: Client,
  ms: number,
  what: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  try {
    return await client.withAbortSignal(controller.signal, () => fn(controller.signal));
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

/** The attributes object of an event, whatever its type. */
const attributesOf = (event: Json): Json =>
  (Object.entries(event).find(([key]) => key.endsWith('EventAttributes'))?.[1] as Json | undefined) ?? {};

/** The histories of the given executions, followed through new runs and into children, in order. */
async function collect(client: Client, roots: Execution[]): Promise<Recorded[]> {
  const out: Recorded[] = [];
  const queue = roots.map((execution, i) => ({ execution, label: `workflow ${i + 1}` }));
  while (queue.length > 0) {
    const { execution, label } = queue.shift()!;
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const json = JSON.parse(historyToJSON(history)) as { events?: Json[] };
    out.push({ label, history: json });
    const events = json.events ?? [];
    let child = 0;
    for (const event of events) {
      const started = event.childWorkflowExecutionStartedEventAttributes as
        { workflowExecution?: { workflowId: string; runId: string } } | undefined;
      if (started?.workflowExecution) {
        child += 1;
        queue.push({ execution: started.workflowExecution, label: `${label} / child ${child}` });
      }
    }
    const next = attributesOf(events[events.length - 1] ?? {}).newExecutionRunId;
    if (typeof next === 'string' && next) {
      queue.push({ execution: { workflowId: execution.workflowId, runId: next }, label: `${label} / next run` });
    }
  }
  return out;
}

function writeDump(dir: string, executable: string, name: string, histories: Recorded[]): void {
  const server = executable === EMBEDDED ? 'embedded' : 'other';
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${server}.${name}.json`), JSON.stringify(histories, null, 2));
}

async function record(executable: string, scenarios: Scenario[], dump?: string): Promise<Map<string, Outcome>> {
  // A starved machine can miss the SDK's 5 s start-up deadline: try again, as the test helpers do.
  const env = await retryServerStart(() =>
    TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: executable } } }),
  );
  // The official dev server of CLI 1.9.1 has no Custom*Field attributes (the embedded service
  // pre-registers them): register the one the scenarios upsert, on both, as a cluster would.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: { CustomKeywordField: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  });
  const outcomes = new Map<string, Outcome>();
  try {
    const taskQueue = 'differential';
    const worker = await createWorker(env, { taskQueue, activities: { ...activities, ...operatorActivities } });
    await worker.runUntil(async () => {
      for (const scenario of scenarios) {
        const ids: string[] = [];
        try {
          const began = Date.now();
          const roots = await withTimeout(env.client, SCENARIO_TIMEOUT_MS, scenario.name, (signal) =>
            scenario.run({
              client: env.client,
              taskQueue,
              signal,
              id: (suffix?: string) => {
                const workflowId = [scenario.name, suffix].filter(Boolean).join('-');
                ids.push(workflowId);
                return workflowId;
              },
            }),
          );
          const histories = await collect(env.client, roots);
          outcomes.set(scenario.name, { histories });
          if (dump) writeDump(dump, executable, scenario.name, histories);
          console.error(`${path.basename(executable)}: ${scenario.name} ${Date.now() - began} ms`);
        } catch (error) {
          console.error(`${path.basename(executable)}: ${scenario.name} failed: ${String(error)}`);
          // What the scenario's workflows got to, for finding out why.
          if (dump) {
            const partial = await collect(
              env.client,
              ids.map((workflowId) => ({ workflowId })),
            ).catch(() => []);
            writeDump(dump, executable, `${scenario.name}.failed`, partial);
          }
          outcomes.set(scenario.name, { error: error instanceof Error ? error.message : String(error) });
        }
      }
    });
  } finally {
    await env.teardown();
  }
  return outcomes;
}

function report(scenarios: Scenario[], embedded: Map<string, Outcome>, official: Map<string, Outcome>) {
  const lines = [
    '# Differential report: embedded service vs the other server (dev-server mode)',
    '',
    'Normalised before comparing: event times, workflow and run ids, request ids, identities, sticky task queue names, payload data and history sizes, the order of SDK flags; workflow tasks without commands are counted, then left out (event ids renumbered).',
    '',
  ];
  let total = 0;
  let failed = 0;
  /** Distinct differences (event type and path, array positions left out) across all scenarios. */
  const distinct = new Map<string, { count: number; scenarios: Set<string>; example: Difference }>();
  const details: string[] = [];
  for (const scenario of scenarios) {
    const a = embedded.get(scenario.name);
    const b = official.get(scenario.name);
    const section: string[] = [];
    let count = 0;
    if (!a || !b || 'error' in a || 'error' in b) {
      failed += 1;
      const describe = (o: Outcome | undefined) => (!o ? 'not run' : 'error' in o ? `error: ${o.error}` : 'ran');
      section.push(`- did not run on both: embedded ${describe(a)}; other server ${describe(b)}`);
    } else {
      const labels = [...new Set([...a.histories, ...b.histories].map((h) => h.label))];
      for (const label of labels) {
        const x = a.histories.find((h) => h.label === label);
        const y = b.histories.find((h) => h.label === label);
        if (!x || !y) {
          count += 1;
          section.push(`- ${label}: only on ${x ? 'embedded' : 'the other server'}`);
          continue;
        }
        const differences: Difference[] = compareHistories(x.history, y.history);
        count += differences.length;
        for (const d of differences) {
          // A field every event has (taskId) is one difference, whatever the event.
          const field = d.path.replace(/\[\d+\]/g, '[]');
          const key =
            field.includes('.') || field === 'eventType' ? `${d.eventType} \`${field}\`` : `any event \`${field}\``;
          const entry = distinct.get(key) ?? { count: 0, scenarios: new Set<string>(), example: d };
          entry.count += 1;
          entry.scenarios.add(scenario.name);
          distinct.set(key, entry);
          section.push(
            `- ${label}, event ${d.event} ${d.eventType}, \`${d.path}\`: embedded ${JSON.stringify(d.embedded)}, other ${JSON.stringify(d.official)}`,
          );
        }
      }
    }
    total += count;
    const histories = a && 'histories' in a ? `${a.histories.length} histories` : 'no histories';
    details.push(
      `### ${scenario.name} (${scenario.description}; ${histories}): ${count} difference(s)`,
      ...section,
      '',
    );
  }
  lines.push(
    `${scenarios.length} scenarios compared, ${total} difference(s) (${distinct.size} distinct), ${failed} did not run on both.`,
    '',
    '## Distinct differences',
    '',
    ...[...distinct].map(
      ([key, { count, scenarios: where, example }]) =>
        `- ${key}: ${count}x in ${[...where].join(', ')}; e.g. embedded ${JSON.stringify(example.embedded)}, other ${JSON.stringify(example.official)}`,
    ),
    '',
    '## Per scenario',
    '',
    ...details,
  );
  return { text: lines.join('\n'), total, failed };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { server: { type: 'string' }, dump: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = positionals.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (!values.server || unknown.length > 0) {
    console.error(
      `differential: ${values.server ? `unknown scenario(s): ${unknown.join(', ')}` : '--server is required'}\n${USAGE}`,
    );
    return 2;
  }
  // npm runs workspace scripts in the package directory; paths on the command line are the caller's.
  const server = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.server);
  const scenarios = positionals.length > 0 ? SCENARIOS.filter((s) => positionals.includes(s.name)) : SCENARIOS;
  const callerDir = process.env.INIT_CWD ?? process.cwd();
  const dump = values.dump ? path.resolve(callerDir, values.dump) : undefined;
  const embedded = await record(EMBEDDED, scenarios, dump);
  const official = await record(server, scenarios, dump);
  const { text, total, failed } = report(scenarios, embedded, official);
  console.log(text);
  return failed > 0 ? 2 : total > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`differential failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 2;
  },
);
