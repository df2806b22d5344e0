import { ConfigError, loadTemporalConfig } from '../src/config';
import {
  clientConnectionOptions,
  DEFAULT_TEMPORAL_ADDRESS,
  nativeConnectionOptions,
  temporalEndpoint,
} from '../src/temporal/connection';

const files: Record<string, string> = { '/certs/client.pem': 'CERT', '/certs/client.key': 'KEY' };
const readFile = (path: string): Buffer => {
  if (!(path in files)) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  return Buffer.from(files[path]);
};

describe('Temporal connection settings', () => {
  it('uses plain TCP to a local server by default', () => {
    expect(temporalEndpoint(loadTemporalConfig({}), readFile)).toEqual({
      address: DEFAULT_TEMPORAL_ADDRESS,
      tls: false,
    });
  });

  it('turns TLS on for an API key (Temporal Cloud) and passes the key to both connection kinds', () => {
    const config = loadTemporalConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'cloud-api-key',
    });
    for (const options of [nativeConnectionOptions(config, readFile), clientConnectionOptions(config, readFile)]) {
      expect(options).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'cloud-api-key' });
    }
  });

  it('reads an mTLS client certificate pair and the server name override', () => {
    const endpoint = temporalEndpoint(
      loadTemporalConfig({
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CERT_PATH: '/certs/client.pem',
        TEMPORAL_TLS_KEY_PATH: '/certs/client.key',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
      }),
      readFile,
    );
    expect(endpoint.tls).toEqual({
      serverNameOverride: 'temporal.example',
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });

  it('turns TLS on with TEMPORAL_TLS alone', () => {
    expect(temporalEndpoint(loadTemporalConfig({ TEMPORAL_TLS: 'true' }), readFile).tls).toEqual({});
  });

  it('names the variable when half a certificate pair is set', () => {
    const config = loadTemporalConfig({ TEMPORAL_TLS_CERT_PATH: '/certs/client.pem' });
    expect(() => temporalEndpoint(config, readFile)).toThrow(ConfigError);
    expect(() => temporalEndpoint(config, readFile)).toThrow(/TEMPORAL_TLS_CERT_PATH, TEMPORAL_TLS_KEY_PATH/);
  });

  it('names the variable of a certificate file that cannot be read, without its content', () => {
    const config = loadTemporalConfig({
      TEMPORAL_TLS_CERT_PATH: '/certs/missing.pem',
      TEMPORAL_TLS_KEY_PATH: '/certs/client.key',
    });
    expect(() => temporalEndpoint(config, readFile)).toThrow(/TEMPORAL_TLS_CERT_PATH: cannot read the file \(ENOENT\)/);
  });
});
