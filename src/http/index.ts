export { HttpError, clientErrorOf } from './errors';
export { MAX_JSON_DEPTH, acceptJsonOnly, jsonDepthExceeds, tooDeep } from './json-body';
export { baseUrl, closeServer, createHttpServer, listen, type HttpServerOptions } from './server';
