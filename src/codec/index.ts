export { createDataConverter, payloadEncryptionEnabled } from './data-converter';
export {
  CIPHER,
  ENCODING_ENCRYPTED,
  EncryptionCodec,
  METADATA_CIPHER,
  METADATA_KEY_ID,
  PayloadCodecError,
  type PayloadCodecErrorReason,
} from './encryption-codec';
export { KEY_BYTES, KeyRing, KeyRingError, parseKeyRing } from './key-ring';
