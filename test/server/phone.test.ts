import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../server/errors.ts';
import { hashPhone, parsePhone } from '../../server/phone.ts';

const refused = (input: string, countries = ['US']) =>
  assert.throws(
    () => parsePhone(input, countries),
    (error: unknown) => error instanceof ApiError && error.status === 422 && error.code === 'invalid_phone' && error.field === 'phone',
    input,
  );

describe('caller phone numbers', () => {
  test('national and international forms become E.164', () => {
    assert.equal(parsePhone('(415) 555-0123', ['US']), '+14155550123');
    assert.equal(parsePhone('415.555.0123', ['US']), '+14155550123');
    assert.equal(parsePhone('+1 415 555 0123', ['US']), '+14155550123');
    assert.equal(parsePhone('020 7946 0000', ['GB']), '+442079460000');
    assert.equal(parsePhone('+1 416 555 0199', ['US', 'CA']), '+14165550199');
  });

  test('junk, short codes and invalid numbers are refused', () => {
    for (const input of ['', 'call me', '911', '12345', '+1 415 555', '+999 1234 5678', '555-0123']) refused(input);
  });

  test('premium-rate, toll-free and shared-cost numbers are refused', () => {
    refused('+1 900 555 1234');
    refused('+1 800 555 1234');
    refused('+44 871 123 4567', ['GB']);
  });

  test('numbers outside the campaign’s countries are refused', () => {
    refused('+44 20 7946 0000');
    refused('+1 416 555 0199');
  });

  test('the field named in the error can be chosen', () => {
    assert.throws(() => parsePhone('nope', ['US'], 'targets.custom.0.phone'), { field: 'targets.custom.0.phone' });
  });

  test('hashes are keyed: stable for one key, different for another, never the number', () => {
    const a = hashPhone('k1', '+14155550123');
    assert.equal(a, hashPhone('k1', '+14155550123'));
    assert.notEqual(a, hashPhone('k2', '+14155550123'));
    assert.ok(!a.includes('4155550123'));
  });
});
