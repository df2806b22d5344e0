import type { DataConverter } from '@temporalio/common';
import { loadCodecConfig } from '../config';
import { EncryptionCodec } from './encryption-codec';

/**
 * The data converter every process uses (worker, client, ingress, replay tool), so that what
 * one writes the others can read. With `PAYLOAD_CODEC_KEYS` set, every payload (workflow
 * input, results, signals, queries, activity arguments, memos) is encrypted before it leaves
 * the process; without it payloads travel in clear, which is meant for local development only.
 *
 * Throws `ConfigError` (naming the variable, never a key) when the key list is invalid.
 */
export function createDataConverter(env: Record<string, string | undefined> = process.env): DataConverter {
  const { PAYLOAD_CODEC_KEYS: keys } = loadCodecConfig(env);
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : {};
}

/** True when payloads will be encrypted, for a start-up log line. */
export function payloadEncryptionEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return loadCodecConfig(env).PAYLOAD_CODEC_KEYS !== undefined;
}
