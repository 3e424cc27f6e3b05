import type { Db } from '../store/db.ts';
import { CampaignInput, createCampaign, findCampaign } from './campaigns.ts';

export const DEMO_CAMPAIGN_ID = 'demo';

/** Demo mode's campaign: it rings the caller's two senators and representative (through the emulator). */
export async function ensureDemoCampaign(db: Db): Promise<void> {
  if (await findCampaign(db, DEMO_CAMPAIGN_ID)) return;
  await createCampaign(
    db,
    CampaignInput.parse({
      id: DEMO_CAMPAIGN_ID,
      name: 'Call Congress (demo)',
      targets: { congress: 'both' },
      script:
        "Hi, my name is [your name] and I'm a constituent from [your town]. I'm calling to ask {title} {name} to support public funding for local newsrooms. Thank you for your time.",
      callAgain: {},
      // Someone trying the demo places call after call with one number: the default 3 a day would stop them.
      limits: { perPhonePerDay: 20, perIpPerHour: 40 },
      nextStep: { kind: 'share', text: 'I just called Congress to stand up for local news. Will you call too?' },
    }),
  );
}
