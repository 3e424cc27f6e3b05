import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.ts';

const live = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'b'.repeat(32),
  TWILIO_CALLER_ID: '+12025550143',
  PUBLIC_URL: 'https://calls.example.org',
  ADMIN_TOKEN: 'c'.repeat(24),
  SECRET_KEY: 'd'.repeat(40),
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message.split('\n');
  }
  assert.fail('expected a ConfigError');
};

describe('configuration', () => {
  test('no credentials means demo mode with working defaults', () => {
    const config = loadConfig({});
    assert.equal(config.demo, true);
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl, 'http://localhost:3000');
    assert.equal(config.twilio.apiUrl, 'http://localhost:3000');
    assert.equal(config.twilio.cps, 1);
    assert.equal(config.allowedOrigins, '*');
    assert.equal(config.dataDir, './data');
    assert.equal(config.databaseUrl, undefined);
    assert.match(config.adminToken, /^[0-9a-f]{32}$/);
  });

  test('live mode uses Twilio itself and only the public origin by default', () => {
    const config = loadConfig({ ...live, PUBLIC_URL: 'https://calls.example.org/' });
    assert.equal(config.demo, false);
    assert.equal(config.twilio.apiUrl, undefined);
    assert.equal(config.publicUrl, 'https://calls.example.org');
    assert.deepEqual(config.allowedOrigins, ['https://calls.example.org']);
    assert.equal(config.adminToken, live.ADMIN_TOKEN);
  });

  test('each bad value is one line naming the variable', () => {
    assert.deepEqual(problems({ PORT: 'eighty' }).length, 1);
    assert.match(problems({ PORT: 'eighty' })[0]!, /^PORT .*"eighty"/);
    assert.match(problems({ TWILIO_CPS: '-2' })[0]!, /^TWILIO_CPS must be a positive number/);
    assert.match(problems({ DATABASE_URL: 'mysql://x' })[0]!, /^DATABASE_URL must be a postgres:\/\/ URL$/);
    assert.match(problems({ ALLOWED_ORIGINS: 'https://a.org/path' })[0]!, /^ALLOWED_ORIGINS .*https:\/\/a\.org\/path/);
    assert.match(problems({ ...live, TWILIO_CALLER_ID: '12345' })[0]!, /^TWILIO_CALLER_ID must be a phone number in E\.164 form/);
  });

  test('half a set of Twilio credentials, or live mode without what it needs, is refused', () => {
    assert.match(problems({ TWILIO_ACCOUNT_SID: live.TWILIO_ACCOUNT_SID }).join('\n'), /TWILIO_AUTH_TOKEN must be set together/);
    const lines = problems({ TWILIO_ACCOUNT_SID: live.TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: live.TWILIO_AUTH_TOKEN });
    assert.deepEqual(lines.map((line) => line.split(' ')[0]).sort(), ['ADMIN_TOKEN', 'PUBLIC_URL', 'SECRET_KEY', 'TWILIO_CALLER_ID']);
    const { SECRET_KEY: _, ...withoutKey } = live;
    assert.deepEqual(problems(withoutKey), ['SECRET_KEY is required when Twilio credentials are set'], 'a live store must not hold the key to its own hashes');
  });

  test('listens on 0.0.0.0 by default, or on HOST', () => {
    assert.equal(loadConfig({}).host, '0.0.0.0');
    assert.equal(loadConfig({ HOST: '127.0.0.1' }).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '::' }).host, '::');
    assert.match(problems({ HOST: 'example.org' })[0]!, /^HOST must be an IP address/);
  });

  test('webhooks reach private and loopback receivers only with WEBHOOK_ALLOW_PRIVATE=1', () => {
    assert.equal(loadConfig({}).allowPrivateWebhooks, false);
    assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE: '0' }).allowPrivateWebhooks, false);
    assert.equal(loadConfig({ WEBHOOK_ALLOW_PRIVATE: '1' }).allowPrivateWebhooks, true);
    assert.match(problems({ WEBHOOK_ALLOW_PRIVATE: 'yes' })[0]!, /^WEBHOOK_ALLOW_PRIVATE must be 1 .* or 0 \(got "yes"\)$/);
  });

  test('metrics are off without METRICS_TOKEN; logs are JSON live and text in demo unless LOG_FORMAT says', () => {
    assert.equal(loadConfig({}).metricsToken, undefined);
    assert.equal(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken, 'm'.repeat(16));
    assert.match(problems({ METRICS_TOKEN: 'short' })[0]!, /^METRICS_TOKEN must be at least 16 characters$/);
    assert.equal(loadConfig({}).logFormat, 'text');
    assert.equal(loadConfig(live).logFormat, 'json');
    assert.equal(loadConfig({ LOG_FORMAT: 'json' }).logFormat, 'json');
    assert.equal(loadConfig({ ...live, LOG_FORMAT: 'text' }).logFormat, 'text');
    assert.match(problems({ LOG_FORMAT: 'xml' })[0]!, /^LOG_FORMAT must be json .* or text \(got "xml"\)$/);
  });

  test('secrets are never echoed back in errors', () => {
    const [line] = problems({ ADMIN_TOKEN: 'short-secret' });
    assert.ok(!line!.includes('short-secret'));
  });

  test('the server refuses to start on a bad value, saying which', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '99999', DATA_DIR: 'memory://' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /bad configuration:\nPORT /);
  });
});
