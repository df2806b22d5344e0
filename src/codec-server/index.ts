export { createCodecServer, listen, type CodecServerOptions } from './server';
export { fromJson, payloadsBodySchema, toJson, type PayloadsBody } from './payloads-json';
export { startCodecServerFromEnv, type StartedCodecServer } from './start';
export { OidcTokenVerifier, type OidcOptions } from './oidc';
