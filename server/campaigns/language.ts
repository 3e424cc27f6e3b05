import type { Locale } from '../calls/prompts.ts';
import type { CampaignSettings, Prompts } from './settings.ts';

export const LOCALES = ['en', 'es'] as const satisfies readonly Locale[];

/** What a campaign says to a caller in one language. */
export interface Words {
  script: string;
  /** The campaign's own prompts in that language; the defaults for the language fill the rest. */
  prompts: Prompts;
  nextStepText?: string;
}

/**
 * The campaign's words in `lang`: its own texts when `lang` is the campaign's language, overlaid with
 * `translations[lang]`. In another language without a translation, the script stays in the campaign's
 * language (better than none) but its prompts are not used: the phone speaks that language's defaults.
 */
export function wordsIn(settings: CampaignSettings, lang: Locale): Words {
  const own = lang === settings.locale;
  const translation = settings.translations?.[lang];
  return {
    script: translation?.script || settings.script,
    prompts: { ...(own ? settings.prompts : {}), ...translation?.prompts },
    nextStepText: translation?.nextStep?.text || settings.nextStep?.text,
  };
}
