export { createIngress, type IngressConfig, type IngressOptions } from './server';
export { temporalBackgroundChecks, type BackgroundChecks, type Delivery } from './background-checks';
export { parsePercentWebhook, signPercentWebhook, verifyPercentSignature, SIGNATURE_HEADER } from './percent-webhook';
export { closeServer, listen } from './http';
