import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redact } from '../../server/log.ts';

describe('redact: phone numbers out of log lines', () => {
  /** [line, what is left of it]: numbers in every shape a person or Twilio writes them, alone and inside text. */
  const REDACTED: [string, string][] = [
    ['+18025551234', '[phone …34]'],
    ['(802) 555-1234', '[phone …34]'],
    ['802-555-1234', '[phone …34]'],
    ['802.555.1234', '[phone …34]'],
    ['802 555 1234', '[phone …34]'],
    ['8025551234', '[phone …34]'],
    ['1-802-555-1234', '[phone …34]'],
    ['+1 (802) 555-1234', '[phone …34]'],
    ['+1 415 555 0123', '[phone …23]'],
    ['+1-802-555-0142', '[phone …42]'],
    ['+44 20 7946 0958', '[phone …58]'],
    ['+442079460958', '[phone …58]'],
    ['+999 1234567', '[phone …67]'],
    ['(555) 555-0199', '[phone …99]'],
    ['+1 000 000 0000', '[phone …00]'],
    ['{"phone":"+18025551234","zip":"05401"}', '{"phone":"[phone …34]","zip":"05401"}'],
    ['params: +18025551234,abc', 'params: [phone …34],abc'],
    ['/lookup?phone=%2B18025551234&zip=05401', '/lookup?phone=[phone …34]&zip=05401'],
    ['/lookup?phone=+18025551234', '/lookup?phone=[phone …34]'],
    ["Invalid 'To' Phone Number: +18025551234.", "Invalid 'To' Phone Number: [phone …34]."],
    ['dialer: call to +18025551234: busy', 'dialer: call to [phone …34]: busy'],
    ['tel:+18025551234', 'tel:[phone …34]'],
    ['from (802) 555-1234 to +1 202 555 0100', 'from [phone …34] to [phone …00]'],
    ['caller 802-555-1234; office 202.555.0100', 'caller [phone …34]; office [phone …00]'],
  ];

  /** Lines that hold digits but no phone number: they must come out exactly as they went in. */
  const KEPT = [
    'webhooks: event 550e8400-e29b-41d4-a716-446655440000: HTTP 500',
    'webhooks: event 12345678-1234-4234-8234-802555123400 of demo',
    'next try at 2026-12-03T10:00:00Z',
    'next try at 2026-12-03T10:00:00.123+01:00',
    'at 2026-12-03 10:00:00',
    'POST http://127.0.0.1:43123/x failed after 1500 ms',
    'webhook http://[::1]:8025/hook: ECONNREFUSED',
    'admin: refused GET /api/admin/campaigns from 192.168.100.200: wrong token',
    'connections: 10.100.200.30 holds 50 open connections',
    'dialer: call yQ3bO8025551234xZ_k9aQ attempt 2: timeout',
    'dialer: call 8025551234abcdEFGH_-12 attempt 2',
    'dialer: call Ab-8025551234-Cd attempt 1',
    'dialer: call _8025551234 attempt 1',
    'call-again: hash 5xvZ1234567890_-AbC',
    'took 1234567 ms, 42 legs, 555-0142 local',
    'epoch 1733220000 seconds, 1733220000123 ms',
    'version 1.2.3, build 20261203',
    'sum 12.5 of 3.14159265358979',
    'twilio sid CA0123456789abcdef0123456789abcdef',
    'store query failed: value "9223372036854775808" is out of range for type integer',
  ];

  for (const [line, expected] of REDACTED) test(`masks ${line}`, () => assert.equal(redact(line), expected));
  for (const line of KEPT) test(`keeps ${line}`, () => assert.equal(redact(line), line));
});
