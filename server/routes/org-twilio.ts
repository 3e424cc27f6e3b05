import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { ApiError, fromZodError, notFound } from '../errors.ts';
import {
  clearOrgTwilio,
  findOrgTwilio,
  openOrgAccount,
  saveOrgTwilio,
  type TwilioAccount,
  TwilioSettings,
  twilioView,
} from '../orgs/twilio-account.ts';
import { createTwilioClient } from '../telephony/twilio-client.ts';
import { validate } from '../validate.ts';

/** What Twilio's account endpoint says of credentials, in words an organiser can act on. */
async function checkWithTwilio(account: TwilioAccount, apiUrl: string | undefined) {
  const client = createTwilioClient({ ...account, apiUrl });
  try {
    const { friendlyName, status } = await client.api.v2010.accounts(account.accountSid).fetch();
    return { ok: true as const, friendlyName, status };
  } catch (error) {
    const { status, code } = error as { status?: number; code?: number };
    if (status === undefined || status >= 500) {
      throw new ApiError(502, 'twilio_unreachable', `Twilio could not be reached to check these credentials (${status ?? 'no answer'}); try again later.`);
    }
    if (status === 401 || code === 20003) {
      throw new ApiError(422, 'twilio_credentials_refused', 'Twilio refused these credentials (20003): check the account SID and auth token, or the API key and its secret.');
    }
    throw new ApiError(422, 'twilio_credentials_refused', `Twilio would not show this account with these credentials (error ${code ?? status}).`);
  }
}

/**
 * An organisation's own Twilio account (admin; auth is applied in app.ts). Secrets go in and never
 * come out. A change takes effect for new calls at once here and within seconds in other processes
 * (see telephony/accounts.ts).
 */
export function orgTwilioRoutes({ config, store: { db }, secretKey, accounts }: AppDeps) {
  const saved = async (orgId: string) => {
    const row = await findOrgTwilio(db, orgId);
    if (!row) throw notFound('Organisation');
    return openOrgAccount(secretKey, row);
  };

  return new Hono()
    .get('/orgs/:orgId/twilio', async (c) => c.json({ twilio: twilioView(await saved(c.req.param('orgId'))) }))

    .put('/orgs/:orgId/twilio', validate('json', TwilioSettings), async (c) => {
      const orgId = c.req.param('orgId');
      if (!(await saveOrgTwilio(db, secretKey, orgId, c.req.valid('json')))) throw notFound('Organisation');
      accounts.invalidate();
      return c.json({ twilio: twilioView(await saved(orgId)) });
    })

    .delete('/orgs/:orgId/twilio', async (c) => {
      if (!(await clearOrgTwilio(db, c.req.param('orgId')))) throw notFound('Organisation');
      accounts.invalidate();
      return c.body(null, 204);
    })

    // The body, if any, is credentials to try before saving them; without one, the saved ones are tried.
    .post('/orgs/:orgId/twilio/test', async (c) => {
      const stored = await saved(c.req.param('orgId'));
      const text = await c.req.text();
      let account = stored;
      if (text.trim()) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiError(400, 'invalid_json', 'The body is not JSON.');
        }
        const parsed = TwilioSettings.safeParse(body);
        if (!parsed.success) throw fromZodError(parsed.error);
        account = parsed.data;
      }
      if (!account) throw new ApiError(409, 'twilio_not_configured', 'This organisation has no Twilio account of its own to test: send one in the body.');
      return c.json(await checkWithTwilio(account, config.twilio.apiUrl));
    });
}
