/** Visibility for the embedded Temporal service: search attribute registry and list/count queries. */
export * from './query';
export * from './search-attributes';
