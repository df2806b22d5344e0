import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value (API key, Basic token, webhook secret). Every way of turning it into text
 * (string conversion, JSON, util.inspect, console.log) prints `[redacted]`, so a secret that
 * reaches a log line, an error message or a Temporal payload by accident leaks nothing.
 * Only `reveal()` gives the value, and it is called where the value goes on the wire.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
