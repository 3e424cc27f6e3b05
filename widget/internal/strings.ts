/** Every caller-facing string, in English; `{name}` placeholders are filled by {@link format}. */
const en = {
  loading: 'Loading…',
  intro: 'We’ll call you, then connect you to each office in turn.',
  phoneLabel: 'Your phone number',
  phoneHint: 'We’ll call you at this number.',
  phoneReady: 'We’ll call you at {phone}.',
  phoneRequired: 'Enter your phone number.',
  phoneInvalid: 'Enter a phone number we can call, with its area code.',
  zipLabel: 'ZIP code',
  zipInvalid: 'Enter your 5-digit ZIP code.',
  submit: 'Continue',
  lookingUp: 'Looking up who to call…',
  targetsHeading: 'We’ll connect you to:',
  chooseDistrict: 'Your ZIP code spans districts. Which is yours?',
  district: 'District {district}',
  callNow: 'Call me now',
  back: 'Change my details',
  callHeading: 'Your call',
  placing: 'Placing your call…',
  ringingYou: 'We’re calling you at {phone}. Answer, then press 1.',
  onTheLine: 'Stay on the line while we connect you.',
  legRinging: 'Connecting you to {name}…',
  legTalking: 'You’re connected to {name}.',
  next: 'Next: {name}.',
  scriptHeading: 'What to say',
  pending: 'Up next',
  waiting: 'Later',
  ringing: 'Ringing',
  'in-progress': 'Connected',
  completed: 'Done',
  busy: 'Busy',
  'no-answer': 'No answer',
  failed: 'Couldn’t connect',
  canceled: 'Skipped',
  'not-called': 'Not called',
  thanks: 'Thank you for calling!',
  done: 'Offices reached: {count} of {total}.',
  callAgain: 'Call again',
  share: 'Share',
  linkCopied: 'Link copied.',
  redirecting: 'Taking you to the next step…',
  retry: 'Try again',
  later: 'later',
  invalid_phone: 'We can’t call that number. Check it and try again.',
  invalid_zip: 'We don’t know that ZIP code. Check it and try again.',
  invalid_district: 'Choose your district.',
  invalid_body: 'Check the form and try again.',
  not_found: 'We couldn’t find this campaign.',
  campaign_paused: 'This campaign is paused. Please check back later.',
  campaign_archived: 'This campaign has ended.',
  rate_limited: 'Too many calls from here. Please try again {when}.',
  network: 'We can’t reach the calling service. Check your connection.',
  unavailable: 'Calling is unavailable right now. Try again in a few minutes.',
  unknown: 'Something went wrong. Please try again.',
  call_unanswered: 'We called {phone} but couldn’t reach you.',
  call_failed: 'The call ended before we could connect you.',
};

/** The string keys a campaign's `strings` may override. */
export type StringKey = keyof typeof en;
export type Lang = 'en' | 'es';
export type Strings = Record<StringKey, string>;

const es: Strings = {
  loading: 'Cargando…',
  intro: 'Te llamaremos y te conectaremos con cada oficina, una tras otra.',
  phoneLabel: 'Tu número de teléfono',
  phoneHint: 'Te llamaremos a este número.',
  phoneReady: 'Te llamaremos al {phone}.',
  phoneRequired: 'Escribe tu número de teléfono.',
  phoneInvalid: 'Escribe un número al que podamos llamar, con código de área.',
  zipLabel: 'Código postal (ZIP)',
  zipInvalid: 'Escribe tu código postal de 5 dígitos.',
  submit: 'Continuar',
  lookingUp: 'Buscando a quién llamar…',
  targetsHeading: 'Te conectaremos con:',
  chooseDistrict: 'Tu código postal abarca varios distritos. ¿Cuál es el tuyo?',
  district: 'Distrito {district}',
  callNow: 'Llámame ahora',
  back: 'Cambiar mis datos',
  callHeading: 'Tu llamada',
  placing: 'Iniciando tu llamada…',
  ringingYou: 'Te estamos llamando al {phone}. Contesta y marca 1.',
  onTheLine: 'No cuelgues mientras te conectamos.',
  legRinging: 'Conectándote con {name}…',
  legTalking: 'Estás conectado con {name}.',
  next: 'Sigue: {name}.',
  scriptHeading: 'Qué decir',
  pending: 'Sigue',
  waiting: 'Después',
  ringing: 'Sonando',
  'in-progress': 'Conectado',
  completed: 'Hecha',
  busy: 'Ocupado',
  'no-answer': 'Sin respuesta',
  failed: 'No se pudo conectar',
  canceled: 'Omitida',
  'not-called': 'Sin llamar',
  thanks: '¡Gracias por llamar!',
  done: 'Oficinas contactadas: {count} de {total}.',
  callAgain: 'Llamar otra vez',
  share: 'Compartir',
  linkCopied: 'Enlace copiado.',
  redirecting: 'Te llevamos al siguiente paso…',
  retry: 'Intentar de nuevo',
  later: 'más tarde',
  invalid_phone: 'No podemos llamar a ese número. Revísalo e inténtalo de nuevo.',
  invalid_zip: 'No conocemos ese código postal. Revísalo e inténtalo de nuevo.',
  invalid_district: 'Elige tu distrito.',
  invalid_body: 'Revisa el formulario e inténtalo de nuevo.',
  not_found: 'No encontramos esta campaña.',
  campaign_paused: 'Esta campaña está en pausa. Vuelve más tarde.',
  campaign_archived: 'Esta campaña terminó.',
  rate_limited: 'Hay demasiadas llamadas desde aquí. Vuelve a intentarlo {when}.',
  network: 'No podemos conectar con el servicio de llamadas. Revisa tu conexión.',
  unavailable: 'Las llamadas no están disponibles ahora. Inténtalo en unos minutos.',
  unknown: 'Algo salió mal. Inténtalo de nuevo.',
  call_unanswered: 'Llamamos al {phone} pero no pudimos comunicarnos contigo.',
  call_failed: 'La llamada terminó antes de que pudiéramos conectarte.',
};

const tables: Record<Lang, Strings> = { en, es };

/** Picks `en` or `es` from a BCP 47 tag (`es-MX` → `es`); anything else is `undefined`. */
export function toLang(tag: string | null | undefined): Lang | undefined {
  const primary = tag?.toLowerCase().split('-')[0];
  return primary === 'en' || primary === 'es' ? primary : undefined;
}

/**
 * The table for `lang` with a campaign's overrides applied: a plain key (`submit`) overrides it in
 * every language, a prefixed key (`es.submit`) only in that one and wins over the plain key.
 */
export function stringsFor(lang: Lang, overrides: Record<string, string> = {}): Strings {
  const table = { ...tables[lang] };
  for (const key of Object.keys(table) as StringKey[]) {
    table[key] = overrides[`${lang}.${key}`] ?? overrides[key] ?? table[key];
  }
  return table;
}

/** Fills `{name}` placeholders from `values`' properties; unknown ones are left as they are. */
export function format(template: string, values: object): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String((values as Record<string, unknown>)[name] ?? whole));
}
