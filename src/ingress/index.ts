export { createIngress, type IngressConfig, type IngressOptions } from './server';
export {
  temporalBackgroundChecks,
  startCheck,
  type BackgroundChecks,
  type Delivery,
  type StartedCheck,
} from './background-checks';
export { parsePercentWebhook, signPercentWebhook, verifyPercentSignature, SIGNATURE_HEADER } from './percent-webhook';
export { TemporalUnavailableError, isTemporalUnavailable } from './temporal-errors';
export { closeServer, listen } from './http';
export { createTemporalClient } from './temporal-client';
