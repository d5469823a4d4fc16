import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfig } from '../../server/index.js';
import { publicAddressOf } from '../../server/config/app-config.js';

describe('parseConfig', () => {
  it('uses embedded defaults when nothing is set', () => {
    const config = parseConfig({}, '/srv/mib');
    expect(config).toMatchObject({
      port: 2567,
      host: '0.0.0.0',
      dataDir: '/srv/mib/data',
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
    });
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(2567);
  });

  it.each([
    [{ PORT: 'eighty' }, /^config: PORT="eighty" is invalid: must be a whole number/],
    [{ PORT: '70000' }, /^config: PORT="70000" is invalid: must be from 0 to 65535/],
    [
      { DATABASE_URL: 'mysql://x@y/z' },
      /^config: DATABASE_URL=.* must start with postgres:\/\/ or postgresql:\/\//,
    ],
    [{ DATABASE_URL: 'not a url' }, /^config: DATABASE_URL="not a url" is invalid: must be a URL/],
    [{ REDIS_URL: 'http://localhost' }, /^config: REDIS_URL=.* must start with redis:\/\/ or rediss:\/\//],
    [{ LOG_LEVEL: 'loud' }, /^config: LOG_LEVEL="loud" is invalid: must be one of fatal, error/],
    [
      { REDIS_URL: 'redis://127.0.0.1:6379' },
      /^config: PUBLIC_URL="" is invalid: is required when REDIS_URL is set/,
    ],
    [
      { LIVEKIT_URL: 'ftp://voice' },
      /^config: LIVEKIT_URL=.* must start with http:\/\/ or https:\/\/ or ws:\/\/ or wss:\/\//,
    ],
    [
      { LIVEKIT_URL: 'wss://voice.example.com' },
      /^config: LIVEKIT_API_SECRET="<redacted>" is invalid: and LIVEKIT_API_KEY are required when LIVEKIT_URL is set/,
    ],
    [
      { ASSET_BUDGETS: '{"prop":{"triangles":0}}' },
      /^config: ASSET_BUDGETS=.* is invalid: prop.triangles must be more than 0/,
    ],
    [
      { ASSET_UPLOAD_MAX_BYTES: '12' },
      /^config: ASSET_UPLOAD_MAX_BYTES="12" is invalid: must be at least 1024 bytes/,
    ],
    [
      { PUBLIC_URL: 'https://w.example.com', PUBLIC_ROOM_PATH: 'p1' },
      /^config: PUBLIC_ROOM_PATH="p1" is invalid: must be one path segment starting with \/, e\.g\. \/p1/,
    ],
    [{ PUBLIC_ROOM_PATH: '/p1' }, /^config: PUBLIC_ROOM_PATH="\/p1" is invalid: needs PUBLIC_URL/],
    [{ TRUST_PROXY: '0' }, /^config: TRUST_PROXY="0" is invalid: must be from 1 to 10 hops/],
    [
      { TRUST_PROXY: 'loopback, 10.0.0.0/33' },
      /^config: TRUST_PROXY=.* is invalid: "10\.0\.0\.0\/33" is not an address, a CIDR range or a range name/,
    ],
    [
      { ASSET_S3_ENDPOINT: 'http://minio:9000' },
      /^config: ASSET_S3_BUCKET="" is invalid: is required when other ASSET_S3_\* settings are given/,
    ],
    [
      { ASSET_S3_BUCKET: 'mib-assets', ASSET_S3_ACCESS_KEY_ID: 'k' },
      /^config: ASSET_S3_SECRET_ACCESS_KEY="<redacted>" is invalid: and ASSET_S3_ACCESS_KEY_ID must be set together/,
    ],
    [
      { NFT_CHAINS: 'ethereum' },
      /^config: NFT_CHAINS="<redacted>" is invalid: is not JSON .*give an array like/,
    ],
    [
      { NFT_CHAINS: '[{"id":1,"name":"Ethereum","rpcUrls":["ftp://x"]}]' },
      /^config: NFT_CHAINS="<redacted>" is invalid: \[0\.rpcUrls\.0\] must be an http\(s\):\/\/ or ws\(s\):\/\/ RPC URL/,
    ],
    [
      {
        NFT_CHAINS:
          '[{"id":1,"name":"A","rpcUrls":["https://a.example"]},{"id":1,"name":"B","rpcUrls":["https://b.example"]}]',
      },
      /^config: NFT_CHAINS="<redacted>" is invalid: lists a chain id twice/,
    ],
    [
      {
        NFT_CHAINS:
          '[{"id":1,"name":"A","rpcUrls":["https://a.example"],"collections":[{"address":"0x12","fromBlock":-1}]}]',
      },
      /^config: NFT_CHAINS="<redacted>" is invalid: \[0\.collections\.0\.address\] must be a contract address.*\[0\.collections\.0\.fromBlock\]/,
    ],
    [{ DEV_CHAIN: 'yes' }, /^config: DEV_CHAIN="yes" is invalid: must be on or off/],
    [
      { NFT_GATEWAY_CA_FILE: '/no/such/ca.pem' },
      /^config: NFT_GATEWAY_CA_FILE=.* is invalid: cannot be read .*give the path of a PEM certificate file/,
    ],
    [
      { NFT_GATEWAY_CA_FILE: 'package.json' },
      /^config: NFT_GATEWAY_CA_FILE=.* is invalid: must be a PEM file of certificates/,
    ],
  ])('rejects %j with one line naming the variable and the fix', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('reads NFT_CHAINS with defaults, and runs the dev chain only when none are given', () => {
    const chains = parseConfig({
      NFT_CHAINS: '[{"id":8453,"name":"Base","rpcUrls":["https://a.example","wss://b.example"]}]',
    }).chains;
    expect(chains.chains).toEqual([
      {
        id: 8453,
        name: 'Base',
        rpcUrls: ['https://a.example', 'wss://b.example'],
        confirmations: 2,
        logRange: 2000,
        timeoutMs: 10000,
        contractKinds: {},
        collections: [],
        dev: false,
      },
    ]);
    expect(parseConfig({}).chains).toMatchObject({ chains: undefined, devChain: true, devBlockSeconds: 1 });
  });

  it('turns voice on only with a LiveKit URL and key pair', () => {
    expect(parseConfig({}).livekit).toBeUndefined();
    const secret = 's'.repeat(40);
    expect(
      parseConfig({
        LIVEKIT_URL: 'wss://voice.example.com',
        LIVEKIT_API_KEY: 'APIkey',
        LIVEKIT_API_SECRET: secret,
      }).livekit,
    ).toEqual({
      url: 'wss://voice.example.com',
      publicUrl: 'wss://voice.example.com',
      apiKey: 'APIkey',
      apiSecret: secret,
    });
  });

  it('runs the embedded LiveKit unless LIVEKIT_URL is set or DEV_VOICE=off, and checks its settings', () => {
    const secret = 's'.repeat(40);
    expect(parseConfig({ DATA_DIR: '/srv/mib' }).devVoice).toEqual({
      binary: undefined,
      dir: '/srv/mib/voice',
      port: 7880,
      udpPort: 7882,
      tcpPort: 7881,
      nodeIp: '127.0.0.1',
      publicUrl: undefined,
    });
    expect(parseConfig({ DEV_VOICE: 'off' }).devVoice).toBeUndefined();
    const external = parseConfig({
      LIVEKIT_URL: 'ws://10.0.0.5:7880',
      LIVEKIT_PUBLIC_URL: 'wss://voice.example.com',
      LIVEKIT_API_KEY: 'APIkey',
      LIVEKIT_API_SECRET: secret,
    });
    expect(external.devVoice).toBeUndefined();
    expect(external.livekit?.publicUrl).toBe('wss://voice.example.com');
    expect(() => parseConfig({ DEV_VOICE_NODE_IP: 'my-host' })).toThrow(
      /DEV_VOICE_NODE_IP="my-host" is invalid: must be an IP address visitors reach this machine at/,
    );
    expect(() => parseConfig({ DEV_VOICE_UDP_PORT: '70000' })).toThrow(/DEV_VOICE_UDP_PORT.*from 1 to 65535/);
    expect(() => parseConfig({ LOG_FORMAT: 'xml' })).toThrow(
      /LOG_FORMAT="xml" is invalid: must be auto, pretty or json/,
    );
  });

  it('derives the Colyseus public address from PUBLIC_URL, and PUBLIC_ROOM_PATH behind a shared proxy', () => {
    const config = parseConfig({ PUBLIC_URL: 'https://worlds.example.com:8443/eu/' });
    expect(publicAddressOf(config)).toBe('worlds.example.com:8443/eu');
    expect(publicAddressOf(parseConfig({}))).toBeUndefined();
    const routed = parseConfig({ PUBLIC_URL: 'https://worlds.example.com', PUBLIC_ROOM_PATH: '/p2' });
    expect(publicAddressOf(routed)).toBe('worlds.example.com/p2');
  });

  it('reads TRUST_PROXY as hops, or addresses, ranges and range names', () => {
    expect(parseConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(parseConfig({}).trustProxy).toBeUndefined();
  });
});
