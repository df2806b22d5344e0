/**
 * The Temporal API schema with its `google.api.http` annotations, read from the `.proto` files
 * that `@temporalio/core-bridge` ships, so the gateway always speaks the installed SDK's API.
 * Parsed once per process (about a second); protobufjs keeps the annotations as parsed options.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';

const BRIDGE_DIR = path.dirname(require.resolve('@temporalio/core-bridge/package.json'));
const PROTO_ROOT = path.join(BRIDGE_DIR, 'sdk-core/crates/protos/protos');
const INCLUDE_DIRS = ['api_upstream', ''].map((dir) => path.join(PROTO_ROOT, dir));

export const SERVICE_NAMES = {
  workflow: 'temporal.api.workflowservice.v1.WorkflowService',
  operator: 'temporal.api.operatorservice.v1.OperatorService',
} as const;

export type ServiceKey = keyof typeof SERVICE_NAMES;

const FILES = [
  'temporal/api/workflowservice/v1/service.proto',
  'temporal/api/operatorservice/v1/service.proto',
  'google/rpc/status.proto',
  // Error details the frontend sends in google.rpc.Status (NotFound, WorkflowExecutionAlreadyStarted, ...).
  'temporal/api/errordetails/v1/message.proto',
];

let root: protobuf.Root | undefined;

export function loadSchema(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    for (const dir of INCLUDE_DIRS) {
      const candidate = path.join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  r.loadSync(FILES, { keepCase: false });
  r.resolveAll();
  root = r;
  return r;
}

export function service(schema: protobuf.Root, key: ServiceKey): protobuf.Service {
  return schema.lookupService(SERVICE_NAMES[key]);
}
