import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Campaign, CampaignInput, createCampaign } from '../../server/campaigns/campaigns.ts';
import { insertCall } from '../../server/calls/calls.ts';
import { legs } from '../../server/store/schema.ts';
import { planOffices } from '../../server/targets/offices.ts';
import { CAPITOL_SWITCHBOARD, memberTarget } from '../../server/targets/resolve.ts';
import { storePerFile } from '../support/store.ts';
import { congress } from '../support/server.ts';

const store = storePerFile();

/** Vermont's representative: a Washington office and two district offices on one number. */
const representative = congress.representative('VT-AL') as Exclude<ReturnType<typeof congress.representative>, { vacant: true } | undefined>;
const district = representative.offices[0]!;
const washington = representative.phone!;

const campaign = (settings: Record<string, unknown> = {}) =>
  createCampaign(store.db, CampaignInput.parse({ id: `c${Math.random().toString(36).slice(2, 8)}`, name: 'Offices', targets: { congress: 'house' }, ...settings }));

/** Ended dials of `phone` (`busy`, `no-answer`, `completed`…), `minutesAgo` minutes ago. */
async function dialed(phone: string, statuses: string[], minutesAgo = 1) {
  const owner = await campaign();
  const call = await insertCall(store.db, { id: `call-${Math.random()}`, campaignId: owner.id, phoneHash: 'h', targets: [] });
  const at = new Date(Date.now() - minutesAgo * 60_000);
  await store.db.insert(legs).values(statuses.map((status, attempt) => ({ callId: call.id, position: 0, attempt, campaignId: owner.id, targetId: 'x', phone, status, createdAt: at })));
}

const plan = async (settings: Record<string, unknown> = {}, target = memberTarget(representative, 'dc')) => {
  const [planned] = await planOffices(store.db, (await campaign(settings)) as Campaign, [target]);
  return planned!;
};

describe('a member’s offices', () => {
  test('Washington first, then each district office once (offices sharing a number are one); the district setting turns it round', () => {
    assert.equal(representative.offices.length, 2);
    assert.equal(representative.offices[1]!.phone, district.phone, 'two cities, one line');
    const dc = memberTarget(representative, 'dc');
    assert.deepEqual([dc.phone, dc.office, dc.fallbacks], [washington, undefined, [{ phone: district.phone, office: `district office in ${district.city}` }]]);
    const local = memberTarget(representative, 'district');
    assert.deepEqual([local.phone, local.office, local.fallbacks], [district.phone, `district office in ${district.city}`, [{ phone: washington, office: 'Washington office' }]]);
  });

  test('a call plans fallbackOffices of them (default 1; 0: none), none for the switchboard or the campaign’s own list', async () => {
    const senator = congress.senators('DE')[0]!;
    assert.equal(senator.offices.length, 2);
    assert.equal((await plan({}, memberTarget(senator, 'dc'))).fallbacks?.length, 1);
    assert.equal((await plan({ fallbackOffices: 2 }, memberTarget(senator, 'dc'))).fallbacks?.length, 2);
    assert.equal((await plan({ fallbackOffices: 0 }, memberTarget(senator, 'dc'))).fallbacks, undefined);
    const switchboard = await plan({}, { ...memberTarget(senator, 'dc'), phone: CAPITOL_SWITCHBOARD });
    assert.deepEqual([switchboard.phone, switchboard.fallbacks], [CAPITOL_SWITCHBOARD, undefined]);
    assert.equal((await plan({}, { id: 'chair', name: 'Chair', title: 'Chair', phone: '+12025550101' })).fallbacks, undefined);
  });

  test('an office that missed at least half of its last 15 minutes’ dials (3 or more) is tried after the others', async () => {
    await dialed(washington, ['busy', 'no-answer']);
    assert.equal((await plan()).phone, washington, 'two dials say too little');
    await dialed(washington, ['completed', 'completed', 'completed', 'busy', 'busy', 'ringing'], 20);
    assert.equal((await plan()).phone, washington, 'older dials do not count');
    await dialed(washington, ['completed', 'busy']);
    const planned = await plan();
    assert.deepEqual(
      [planned.phone, planned.office, planned.fallbacks],
      [district.phone, `district office in ${district.city}`, [{ phone: washington, office: 'Washington office' }]],
      'busy in 3 of 4: the district office first, Washington named as the fallback',
    );
    assert.equal((await plan({ preferAnsweringOffices: false })).phone, washington, 'unless the campaign keeps its order');
    await dialed(washington, ['completed', 'completed', 'completed']);
    assert.equal((await plan()).phone, washington, 'answering again: back to first');
  });
});
