/**
 * The handler tables are typed by `@temporalio/proto`'s service classes, while the server serves
 * the service definitions loaded from core-bridge's `.proto` files. Both come with the SDK; this
 * checks they agree on every name a table implements. The `@ts-expect-error` lines are checked by
 * `tsc` over this package: each must stay a type error.
 */
import { SkippingClock } from '../../src/clock';
import { loadServiceDefinitions } from '../../src/proto';
import { type EmbeddedTemporal, startEmbeddedTemporal } from '../../src/server';
import type { OperatorServiceHandlers, TestServiceHandlers, WorkflowServiceHandlers } from '../../src/services/handler';
import { operatorServiceHandlers } from '../../src/services/operator-service';
import { testServiceHandlers } from '../../src/services/test-service';
import { workflowServiceHandlers } from '../../src/services/workflow-service';

describe('service handler tables', () => {
  let service: EmbeddedTemporal;
  beforeAll(async () => {
    service = await startEmbeddedTemporal({ mode: 'dev-server', port: 0 });
  });
  afterAll(() => service?.shutdown());

  it('implement only unary RPCs of the loaded service definitions', () => {
    const definitions = loadServiceDefinitions();
    const clock = new SkippingClock(1);
    const tables = {
      workflow: workflowServiceHandlers(service.engine, 'test'),
      operator: operatorServiceHandlers(service.engine),
      test: testServiceHandlers(clock),
    } as const;
    clock.close();
    for (const [key, table] of Object.entries(tables)) {
      const definition = definitions[key as keyof typeof tables];
      const unary = Object.keys(definition).filter(
        (m) => !definition[m].requestStream && !definition[m].responseStream,
      );
      expect({ service: key, missing: Object.keys(table).filter((m) => !unary.includes(m)) }).toEqual({
        service: key,
        missing: [],
      });
    }
    // Not vacuous: each table holds what it serves.
    expect(Object.keys(tables.workflow)).toEqual(
      expect.arrayContaining(['StartWorkflowExecution', 'PollWorkflowTaskQueue']),
    );
    expect(Object.keys(tables.operator)).toContain('AddSearchAttributes');
    expect(Object.keys(tables.test)).toContain('UnlockTimeSkippingWithSleep');
  });
});

// Compile-time checks (never run).
export const misspelled: WorkflowServiceHandlers = {
  // @ts-expect-error -- not an RPC of WorkflowService
  StartWorkflowExecutions: () => ({}),
};
export const wrongRequestField: WorkflowServiceHandlers = {
  // @ts-expect-error -- a start request has no signal name
  StartWorkflowExecution: (r) => ({ runId: r.signalName }),
};
export const wrongRequestType: WorkflowServiceHandlers = {
  // @ts-expect-error -- workflowId is a string
  StartWorkflowExecution: (r: { workflowId: number }) => ({ runId: String(r.workflowId) }),
};
export const wrongResponse: WorkflowServiceHandlers = {
  // @ts-expect-error -- `started` is a boolean
  StartWorkflowExecution: async () => ({ runId: 'r', started: 'yes' }),
};
export const otherServicesRpc: OperatorServiceHandlers = {
  // @ts-expect-error -- a WorkflowService RPC in the OperatorService table
  DescribeNamespace: () => ({}),
};
export const testServiceResponse: TestServiceHandlers = {
  // @ts-expect-error -- GetCurrentTime answers a timestamp
  GetCurrentTime: () => ({ time: 'now' }),
};
