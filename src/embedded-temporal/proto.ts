/**
 * Service definitions, loaded at run time from the `.proto` files that `@temporalio/core-bridge`
 * ships, so the wire contract is always exactly the one the installed SDK speaks.
 *
 * Messages are plain objects (camelCase fields, enums as numbers, int64 as JS numbers, bytes as
 * Buffers). Their TypeScript shapes come from `@temporalio/proto`; the only mismatch is int64,
 * which those types declare as `Long`: read such fields with `Number(...)` and write them with
 * `i64(...)`.
 */
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type Long from 'long';

export type { temporal, google, grpc as grpcProto } from '@temporalio/proto';

const PROTO_ROOT = path.join(
  path.dirname(require.resolve('@temporalio/core-bridge/package.json')),
  'sdk-core/crates/protos/protos',
);

const INCLUDE_DIRS = ['api_upstream', 'testsrv_upstream', 'grpc', ''].map((dir) => path.join(PROTO_ROOT, dir));

const FILES = [
  'temporal/api/workflowservice/v1/service.proto',
  'temporal/api/operatorservice/v1/service.proto',
  'temporal/api/testservice/v1/service.proto',
  'health/v1/health.proto',
];

export interface ServiceDefinitions {
  workflow: grpc.ServiceDefinition;
  operator: grpc.ServiceDefinition;
  test: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

let cached: ServiceDefinitions | undefined;
let packageDefinition: protoLoader.PackageDefinition | undefined;

/** Everything the service protos define (services, messages, enums), parsed once. */
export function loadPackageDefinition(): protoLoader.PackageDefinition {
  packageDefinition ??= protoLoader.loadSync(FILES, {
    includeDirs: INCLUDE_DIRS,
    keepCase: false,
    longs: Number,
    enums: Number,
    defaults: false,
    oneofs: false,
  });
  return packageDefinition;
}

export function loadServiceDefinitions(): ServiceDefinitions {
  if (cached) return cached;
  const definition = loadPackageDefinition();
  // A service entry of a proto-loader package definition is already a grpc-js ServiceDefinition.
  const service = (name: string): grpc.ServiceDefinition => {
    const found = definition[name];
    if (!found) throw new Error(`service ${name} not found in the core-bridge protos`);
    return found as unknown as grpc.ServiceDefinition;
  };
  cached = {
    workflow: service('temporal.api.workflowservice.v1.WorkflowService'),
    operator: service('temporal.api.operatorservice.v1.OperatorService'),
    test: service('temporal.api.testservice.v1.TestService'),
    health: service('grpc.health.v1.Health'),
  };
  return cached;
}

/** Writes a JS number into an int64 field (see the module comment). */
export function i64(value: number): Long {
  return value as unknown as Long;
}

/** Encoded size of a history event (for `history_size_bytes`), through the loaded protos. */
export function encodedEventSize(event: object): number {
  const serialize = loadServiceDefinitions().workflow.GetWorkflowExecutionHistory.responseSerialize;
  // The wrapper (response → history → events) adds 4 bytes of tags and lengths for small events.
  return Math.max(0, serialize({ history: { events: [event] } }).length - 4);
}
