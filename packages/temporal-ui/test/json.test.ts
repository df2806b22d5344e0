/**
 * Proto JSON as the upstream UI server writes and reads it, over the real Temporal schema.
 */
import { createGateway } from '../src/gateway/gateway';
import { httpRules } from '../src/gateway/http-rules';
import { JsonInputError, messageFromJson, messageToJson } from '../src/gateway/json';
import { loadSchema } from '../src/gateway/protos';
import { markdownToHtml } from '../src/render-markdown';

const schema = loadSchema();
const type = (name: string) => schema.lookupType(name);

describe('proto JSON', () => {
  it('writes int64 as strings, enums by full name, bytes as base64, timestamps and durations, and omits defaults', () => {
    const event = type('temporal.api.history.v1.HistoryEvent');
    const message = messageFromJson(event, {
      eventId: '12',
      eventTime: '2026-11-30T10:00:01.5Z',
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: 'backgroundCheck' },
        parentInitiatedEventId: '0',
        workflowRunTimeout: '90.250s',
        input: { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'e30=' }] },
        attempt: 1,
      },
    });
    expect(messageToJson(event, message as never)).toEqual({
      eventId: '12',
      eventTime: '2026-11-30T10:00:01.500Z',
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      workflowExecutionStartedEventAttributes: {
        workflowType: { name: 'backgroundCheck' },
        workflowRunTimeout: '90.250s',
        input: { payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] },
        attempt: 1,
      },
    });
  });

  it('reads snake_case names and numeric enums, and names the field it cannot read', () => {
    const request = type('temporal.api.workflowservice.v1.DescribeTaskQueueRequest');
    const parsed = messageFromJson(request, { task_queue: { name: 'q' }, taskQueueType: 2 });
    expect(messageToJson(request, parsed as never)).toEqual({
      taskQueue: { name: 'q' },
      taskQueueType: 'TASK_QUEUE_TYPE_ACTIVITY',
    });
    expect(() => messageFromJson(request, { taskQueueType: 'NOPE' })).toThrow(/taskQueueType: expected one of/);
    expect(() => messageFromJson(request, { nope: 1 })).toThrow(JsonInputError);
    const history = type('temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest');
    expect(() => messageFromJson(history, { maximumPageSize: 'many' })).toThrow(/maximumPageSize: expected an integer/);
    const start = type('temporal.api.workflowservice.v1.StartWorkflowExecutionRequest');
    expect(() => messageFromJson(start, { workflowRunTimeout: '10 minutes' })).toThrow(
      /workflowRunTimeout: expected a duration/,
    );
  });

  it('writes google.protobuf.Any with its @type, as in error details', () => {
    const status = type('google.rpc.Status');
    const detail = type('temporal.api.errordetails.v1.NamespaceNotFoundFailure');
    const message = status.create({
      code: 5,
      message: 'namespace x not found',
      details: [
        {
          typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure',
          value: detail.encode(detail.create({ namespace: 'x' })).finish(),
        },
      ],
    });
    expect(messageToJson(status, message as never)).toEqual({
      code: 5,
      message: 'namespace x not found',
      details: [
        { '@type': 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceNotFoundFailure', namespace: 'x' },
      ],
    });
  });
});

describe('HTTP rules from the google.api.http annotations', () => {
  const rules = httpRules(schema);
  const route = (verb: string, path: string) => {
    for (const rule of rules) {
      const params = rule.match(path);
      if (params && rule.verb === verb) return { method: rule.method.name, params };
    }
    return undefined;
  };

  it('covers both services, every rule under /api/v1', () => {
    expect(rules.length).toBeGreaterThan(100);
    expect(new Set(rules.map((r) => r.service))).toEqual(new Set(['workflow', 'operator']));
    expect(rules.every((r) => r.template.startsWith('/api/v1/'))).toBe(true);
  });

  it('routes the paths the UI calls, literal segments before variables', () => {
    expect(route('GET', '/api/v1/namespaces/default/workflows/bgcheck-1/history')).toEqual({
      method: 'GetWorkflowExecutionHistory',
      params: { namespace: 'default', 'execution.workflow_id': 'bgcheck-1' },
    });
    expect(route('GET', '/api/v1/namespaces/default/workflow-count')?.method).toBe('CountWorkflowExecutions');
    expect(route('GET', '/api/v1/namespaces/default/search-attributes')?.method).toBe('ListSearchAttributes');
    expect(route('GET', '/api/v1/cluster-info')?.method).toBe('GetClusterInfo');
    expect(route('POST', '/api/v1/namespaces/default/workflows/a%2Fb/signal/resume')).toEqual({
      method: 'SignalWorkflowExecution',
      params: { namespace: 'default', 'workflow_execution.workflow_id': 'a/b', signal_name: 'resume' },
    });
  });

  it('refuses the superseded activity-completion paths instead of starting an activity', async () => {
    const gateway = createGateway({ workflowService: {}, operatorService: {} } as never);
    const answer = await gateway.handle({
      method: 'POST',
      url: '/api/v1/namespaces/default/activities/complete-by-id',
      body: {},
    });
    expect(answer.status).toBe(404);
    const unknown = await gateway.handle({ method: 'GET', url: '/api/v1/nothing/here' });
    expect(unknown).toEqual({
      status: 404,
      body: { code: 5, message: 'no Temporal API route matches /api/v1/nothing/here', details: [] },
    });
  });
});

describe('markdown for the current details (/render)', () => {
  it('renders the subset the checks write and escapes everything else', () => {
    expect(
      markdownToHtml(
        '**blocked**: associating: low credits. Trying again at 2026-11-30T12:00:00Z, or at once on `resume`\n\nverification v1: pending',
      ),
    ).toBe(
      '<p><strong>blocked</strong>: associating: low credits. Trying again at 2026-11-30T12:00:00Z, or at once on <code>resume</code></p>\n<p>verification v1: pending</p>',
    );
    expect(markdownToHtml('<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://temporal.io)')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1)) <a href="https://temporal.io" rel="noopener noreferrer">ok</a></p>',
    );
  });
});
