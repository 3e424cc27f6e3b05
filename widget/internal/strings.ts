/**
 * Every caller-facing string, `[English, Spanish]`; `{name}` placeholders are filled by {@link format}.
 * One table, so a key cannot be missing from a language.
 */
const table = {
  loading: ['Loading…', 'Cargando…'],
  count: ['Calls made so far: {calls}', 'Llamadas hechas hasta ahora: {calls}'],
  intro: ['We’ll call you, then connect you to each office in turn.', 'Te llamaremos y te conectaremos con cada oficina, una tras otra.'],
  phoneLabel: ['Your phone number', 'Tu número de teléfono'],
  phoneHint: ['We’ll call you at this number.', 'Te llamaremos a este número.'],
  phoneReady: ['We’ll call you at {phone}.', 'Te llamaremos al {phone}.'],
  phoneRequired: ['Enter your phone number.', 'Escribe tu número de teléfono.'],
  phoneInvalid: ['Enter a phone number we can call, with its area code.', 'Escribe un número al que podamos llamar, con código de área.'],
  zipLabel: ['ZIP code', 'Código postal (ZIP)'],
  zipInvalid: ['Enter your 5-digit ZIP code.', 'Escribe tu código postal de 5 dígitos.'],
  callMeAgain: ['Call me again {description}', 'Llámame otra vez {description}'],
  submit: ['Continue', 'Continuar'],
  lookingUp: ['Looking up who to call…', 'Buscando a quién llamar…'],
  targetsHeading: ['We’ll connect you to:', 'Te conectaremos con:'],
  chooseDistrict: ['Your ZIP code spans districts. Which is yours?', 'Tu código postal abarca varios distritos. ¿Cuál es el tuyo?'],
  vacant: ['vacant seat', 'escaño vacante'],
  callNow: ['Call me now', 'Llámame ahora'],
  back: ['Change my details', 'Cambiar mis datos'],
  callHeading: ['Your call', 'Tu llamada'],
  placing: ['Placing your call…', 'Iniciando tu llamada…'],
  ringingYou: ['We’re calling you at {phone}. Answer, then press 1.', 'Te estamos llamando al {phone}. Contesta y marca 1.'],
  legRinging: ['Connecting you to {name}…', 'Conectándote con {name}…'],
  legTalking: ['You’re connected to {name}.', 'Estás conectado con {name}.'],
  legTrying: ['Trying {name}’s {office}…', 'Probando otra oficina de {name}…'],
  gate: ['Listen, then press 1 to be connected.', 'Escucha y marca 1 para que te conectemos.'],
  outcome: ['How did your call to {name} go? Answer on your phone or here.', '¿Cómo te fue con {name}? Responde en el teléfono o aquí.'],
  offer: ['Your phone is asking if we may call you again.', 'Tu teléfono te pregunta si podemos volver a llamarte.'],
  goodbye: ['That was the last office. Thank you!', 'Esa fue la última oficina. ¡Gracias!'],
  reconnecting: ['Reconnecting…', 'Reconectando…'],
  scriptHeading: ['What to say', 'Qué decir'],
  pending: ['Up next', 'Sigue'],
  waiting: ['Later', 'Después'],
  ringing: ['Ringing', 'Sonando'],
  'in-progress': ['Connected', 'Conectado'],
  completed: ['Done', 'Hecha'],
  busy: ['Busy', 'Ocupado'],
  'no-answer': ['No answer', 'Sin respuesta'],
  failed: ['Couldn’t connect', 'No se pudo conectar'],
  canceled: ['Skipped', 'Omitida'],
  'not-called': ['Not called', 'Sin llamar'],
  outcomeAsk: ['How did it go?', '¿Cómo te fue?'],
  'outcome-spoke': ['I spoke to someone', 'Hablé con alguien'],
  'outcome-voicemail': ['I left a voicemail', 'Dejé un mensaje de voz'],
  'outcome-unavailable': ['No one answered', 'Nadie contestó'],
  thanks: ['Thank you for calling!', '¡Gracias por llamar!'],
  done: ['Offices reached: {count} of {total}.', 'Oficinas contactadas: {count} de {total}.'],
  callAgain: ['Call again', 'Llamar otra vez'],
  callingAgain: ['We’ll call you again {description}.', 'Te volveremos a llamar {description}.'],
  share: ['Share', 'Compartir'],
  email: ['Email', 'Correo'],
  redirecting: ['Taking you to the next step…', 'Te llevamos al siguiente paso…'],
  retry: ['Try again', 'Intentar de nuevo'],
  later: ['later', 'más tarde'],
  invalid_phone: ['We can’t call that number. Check it and try again.', 'No podemos llamar a ese número. Revísalo e inténtalo de nuevo.'],
  invalid_zip: ['We don’t know that ZIP code. Check it and try again.', 'No conocemos ese código postal. Revísalo e inténtalo de nuevo.'],
  invalid_district: ['Choose your district.', 'Elige tu distrito.'],
  invalid_body: ['Check the form and try again.', 'Revisa el formulario e inténtalo de nuevo.'],
  not_found: ['We couldn’t find this campaign.', 'No encontramos esta campaña.'],
  campaign_paused: ['This campaign is paused. Please check back later.', 'Esta campaña está en pausa. Vuelve más tarde.'],
  campaign_archived: ['This campaign has ended.', 'Esta campaña terminó.'],
  rate_limited: ['Too many calls from here. Please try again {when}.', 'Hay demasiadas llamadas desde aquí. Vuelve a intentarlo {when}.'],
  rate_limited_phone: ['You have already called {limit} times today with this number. You can call again {when}.', 'Ya llamaste {limit} veces hoy con este número. Puedes volver a llamar {when}.'],
  rate_limited_campaign: ['So many people are calling that we can’t place more calls right now. Please try again {when}.', 'Hay tantas llamadas que ahora no podemos hacer más. Vuelve a intentarlo {when}.'],
  rate_limited_offices: ['These offices have had too many calls for now. Please try again {when}.', 'Estas oficinas ya recibieron demasiadas llamadas por ahora. Vuelve a intentarlo {when}.'],
  network: ['We can’t reach the calling service. Check your connection.', 'No podemos conectar con el servicio de llamadas. Revisa tu conexión.'],
  unavailable: ['Calling is unavailable right now. Try again in a few minutes.', 'Las llamadas no están disponibles ahora. Inténtalo en unos minutos.'],
  unknown: ['Something went wrong. Please try again.', 'Algo salió mal. Inténtalo de nuevo.'],
  call_unanswered: ['We called {phone} but couldn’t reach you.', 'Llamamos al {phone} pero no pudimos comunicarnos contigo.'],
  call_failed: ['The call ended before we could connect you.', 'La llamada terminó antes de que pudiéramos conectarte.'],
  outcome_not_ready: ['Tell us how it went once that call has ended.', 'Cuéntanos cómo te fue cuando termine esa llamada.'],
} satisfies Record<string, [en: string, es: string]>;

/** The string keys a campaign's `strings` may override. */
export type StringKey = keyof typeof table;
export type Lang = 'en' | 'es';
export type Strings = Record<StringKey, string>;

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
  const strings = {} as Strings;
  for (const [key, values] of Object.entries(table) as [StringKey, [string, string]][]) {
    strings[key] = overrides[`${lang}.${key}`] ?? overrides[key] ?? values[lang === 'es' ? 1 : 0];
  }
  return strings;
}

/** Fills `{name}` placeholders from `values`' properties; unknown ones are left as they are. */
export function format(template: string, values: object): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => String((values as Record<string, unknown>)[name] ?? whole));
}
