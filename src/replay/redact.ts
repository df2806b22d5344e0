/**
 * Makes an exported history safe to keep in the repository: every payload is decrypted with
 * the codec and rewritten in clear JSON with the agents' personal data replaced by fixed
 * placeholders (still valid for the onboarding schema). Values found under a personal field
 * (`email`, `firstName`...) are also replaced wherever else they appear: in other payloads
 * (an e-mail passed alone to an activity, a result that quotes a name) and in plain-text
 * fields such as failure messages.
 *
 * Replay only compares commands with events, so a redacted history replays like the original
 * unless the code branches on the redacted values themselves.
 */
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';

/** Field name → placeholder, for the personal data an onboarding event carries. */
export const PERSONAL_FIELDS: Readonly<Record<string, string>> = {
  firstName: 'Redacted',
  lastName: 'Agent',
  email: 'redacted.agent@example.org',
  title: 'Redacted',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A payload during redaction: decoded, with its JSON value when it has one. */
type Decoded = { payload: Payload; value?: unknown };

/** A redacted copy of a proto-JSON history (`{ events: [...] }`, as `historyToJSON` writes it). */
export async function redactHistoryJson(history: Json, codec?: PayloadCodec): Promise<Json> {
  const decoded = new Map<object, Decoded>();
  await collectPayloads(history);

  // Personal values, longest first so that "Ada Lovelace" goes before "Ada".
  const found = new Map<string, string>();
  for (const { value } of decoded.values()) findPersonal(value, found);
  const replacements = [...found].sort(([a], [b]) => b.length - a.length);
  const scrub = (text: string) => replacements.reduce((t, [from, to]) => t.split(from).join(to), text);

  return rewrite(history);

  async function collectPayloads(node: Json): Promise<void> {
    if (Array.isArray(node)) {
      for (const child of node) await collectPayloads(child);
    } else if (node !== null && typeof node === 'object') {
      if (isJsonPayload(node)) {
        let payload = fromJsonPayload(node);
        if (codec) [payload] = await codec.decode([payload]);
        const encoding = Buffer.from(payload.metadata?.[METADATA_ENCODING_KEY] ?? []).toString();
        decoded.set(
          node,
          encoding === 'json/plain' ? { payload, value: defaultPayloadConverter.fromPayload(payload) } : { payload },
        );
      } else {
        for (const child of Object.values(node)) await collectPayloads(child);
      }
    }
  }

  function rewrite(node: Json): Json {
    if (typeof node === 'string') return scrub(node);
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const payload = decoded.get(node);
    if (payload) {
      return toJsonPayload(
        'value' in payload ? defaultPayloadConverter.toPayload(redactValue(payload.value, scrub)) : payload.payload,
      );
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewrite(v)]));
  }
}

function findPersonal(value: unknown, found: Map<string, string>): void {
  if (Array.isArray(value)) value.forEach((v) => findPersonal(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string' && key in PERSONAL_FIELDS && v.length > 0) found.set(v, PERSONAL_FIELDS[key]);
      else findPersonal(v, found);
    }
  }
}

/** Personal fields get their placeholder; every other string is scrubbed of known personal values. */
export function redactValue(value: unknown, scrub: (text: string) => string = (t) => t): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, scrub));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      typeof v === 'string' && key in PERSONAL_FIELDS ? PERSONAL_FIELDS[key] : redactValue(v, scrub),
    ]),
  );
}

function isJsonPayload(node: { [key: string]: Json }): boolean {
  const { metadata } = node;
  return (
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    typeof metadata[METADATA_ENCODING_KEY] === 'string' &&
    Object.keys(node).every((k) => k === 'metadata' || k === 'data' || k === 'externalPayloads')
  );
}

function fromJsonPayload(json: { [key: string]: Json }): Payload {
  const metadata = json.metadata as Record<string, string>;
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(typeof json.data === 'string' ? json.data : '', 'base64'),
  };
}

function toJsonPayload(payload: Payload): Json {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}
