import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import twilio from 'twilio';
import { TwimlResponse } from '../../server/calls/twiml-writer.ts';

// The call flow writes TwiML with its own writer for speed; twilio's VoiceResponse is the reference.

/** Text xmlbuilder accepts (it throws on characters XML 1.0 cannot carry). */
const xmlText = fc.string({ unit: 'binary', maxLength: 40 }).filter((text) => !/[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDFFF]/.test(text));
const attributes = fc.record(
  {
    voice: xmlText,
    language: fc.constantFrom('en-US', 'es-US'),
    numDigits: fc.integer({ min: 1, max: 9 }),
    hangupOnStar: fc.boolean(),
    action: xmlText,
    statusCallbackEvent: fc.array(fc.constantFrom('answered', 'completed', 'ringing'), { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

type Verb =
  | { verb: 'say'; attributes: Record<string, unknown>; text: string }
  | { verb: 'gather'; attributes: Record<string, unknown>; says: { attributes: Record<string, unknown>; text: string }[] }
  | { verb: 'dial'; attributes: Record<string, unknown>; number: { attributes: Record<string, unknown>; phone: string } }
  | { verb: 'redirect'; attributes: Record<string, unknown>; url: string }
  | { verb: 'pause'; attributes: Record<string, unknown> }
  | { verb: 'hangup' };

const say = fc.record({ attributes, text: xmlText });
const verb: fc.Arbitrary<Verb> = fc.oneof(
  say.map((s) => ({ verb: 'say' as const, ...s })),
  fc.record({ attributes, says: fc.array(say, { maxLength: 3 }) }).map((g) => ({ verb: 'gather' as const, ...g })),
  fc.record({ attributes, number: fc.record({ attributes, phone: xmlText }) }).map((d) => ({ verb: 'dial' as const, ...d })),
  fc.record({ attributes, url: xmlText }).map((r) => ({ verb: 'redirect' as const, ...r })),
  attributes.map((a) => ({ verb: 'pause' as const, attributes: a })),
  fc.constant({ verb: 'hangup' as const }),
);

/** Plays the same verbs into either writer (their methods share names and arguments). */
function write(response: twilio.twiml.VoiceResponse | TwimlResponse, verbs: Verb[]): string {
  const r = response as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- both writers, one script
  for (const v of verbs) {
    if (v.verb === 'say') r.say(v.attributes, v.text);
    else if (v.verb === 'gather') {
      const gather = r.gather(v.attributes);
      for (const s of v.says) gather.say(s.attributes, s.text);
    } else if (v.verb === 'dial') r.dial(v.attributes).number(v.number.attributes, v.number.phone);
    else if (v.verb === 'redirect') r.redirect(v.attributes, v.url);
    else if (v.verb === 'pause') r.pause(v.attributes);
    else r.hangup();
  }
  return response.toString();
}

describe('the TwiML writer', () => {
  test("writes what twilio's VoiceResponse writes, byte for byte, escaping included", () => {
    fc.assert(
      fc.property(fc.array(verb, { maxLength: 6 }), (verbs) => {
        assert.equal(write(new TwimlResponse(), verbs), write(new twilio.twiml.VoiceResponse(), verbs));
      }),
      { numRuns: 500 },
    );
  });

  test('a prompt and a hangup, as Twilio reads them', () => {
    const response = new TwimlResponse();
    response.say({ voice: 'Polly.Joanna', language: 'en-US' }, 'Tom & Jerry say "<hi>"\r\n');
    response.dial({ action: 'https://x.test/a?b=1&c=2', hangupOnStar: true, timeout: 30 }).number({ statusCallbackEvent: ['answered'] }, '+12025550100');
    response.hangup();
    assert.equal(
      response.toString(),
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Joanna" language="en-US">Tom &amp; Jerry say "&lt;hi&gt;"&#xD;\n</Say>' +
        '<Dial action="https://x.test/a?b=1&amp;c=2" hangupOnStar="true" timeout="30"><Number statusCallbackEvent="answered">+12025550100</Number></Dial><Hangup/></Response>',
    );
  });

  test('characters XML cannot carry are dropped instead of failing the webhook', () => {
    const response = new TwimlResponse();
    response.say({}, 'Save\u0000 the\u0007 bees \ud800!');
    assert.equal(response.toString(), '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Save the bees \ufffd!</Say></Response>');
    assert.throws(() => new twilio.twiml.VoiceResponse().say({}, 'Save\u0000 the bees').toString());
  });
});
