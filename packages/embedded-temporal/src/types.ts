/** Short names for the protobuf shapes used across the service. */
import type { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
export type Payloads = temporal.api.common.v1.IPayloads;
export type Payload = temporal.api.common.v1.IPayload;
export type Failure = temporal.api.failure.v1.IFailure;
export type Header = temporal.api.common.v1.IHeader;
export type Memo = temporal.api.common.v1.IMemo;
export type SearchAttributes = temporal.api.common.v1.ISearchAttributes;
export type RetryPolicy = temporal.api.common.v1.IRetryPolicy;
export type WorkflowExecution = temporal.api.common.v1.IWorkflowExecution;
export type Command = temporal.api.command.v1.ICommand;
export type ProtocolMessage = temporal.api.protocol.v1.IMessage;
export type WorkflowTaskResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
export type ActivityTaskResponse = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;
