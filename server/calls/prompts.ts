import type { Prompts } from '../campaigns/settings.ts';

export type Locale = 'en' | 'es';

/** What the phone says, by locale; a campaign overrides any of these. Variables are in {braces}. */
export const DEFAULT_PROMPTS: Record<Locale, Required<Prompts>> = {
  en: {
    intro: 'Hello! This is {campaign}. You asked us to connect you to {count}.',
    pressOne: 'Press 1 to be connected. If you did not ask for this call, just hang up.',
    goodbye: 'We did not hear a 1, so we will not connect you. Goodbye.',
    skipHint: 'You can press star at any time to skip to the next office.',
    targetIntro: 'Connecting you to {title} {name}{office}.',
    between: 'Thank you. Please stay on the line for your next call.',
    unreachable: 'That office could not be reached.',
    tryingOffice: 'Trying their {office}.',
    thanks: 'That was your last call. Thank you for making your voice heard. Goodbye.',
    welcome: 'Thank you for calling {campaign}.',
    connecting: 'We will connect you to {count}.',
    noTargets: 'We could not find anyone for you to call. Goodbye.',
    askZip: 'Please enter your five-digit ZIP code so we can find your members of Congress.',
    badZip: 'We could not find that ZIP code.',
    askDistrict: 'Your ZIP code is in more than one district.',
    paused: 'This campaign is paused right now. Please try again later. Goodbye.',
    closed: 'This campaign has ended. Thank you for your support. Goodbye.',
    limited: 'You have reached the number of calls we can connect for now. Thank you! Please try again later. Goodbye.',
    askOutcome: 'How did it go? Press 1 if you spoke to someone, 2 if you left a voicemail, or 3 if no one answered.',
    offerAgain: 'Would you like us to call you again {schedule}? Press 1 for yes.',
    optedIn: 'Thank you! We will call you again {schedule}. To stop, press 9 on any of our calls.',
    scheduledIntro: 'Hello! This is {campaign}, calling again as you asked, to connect you to {count}. To stop these calls, press 9.',
    optedOut: 'You will not be called again. Thank you for your support. Goodbye.',
    refused: 'This line cannot take your call. Goodbye.',
  },
  es: {
    intro: '¡Hola! Le llama {campaign}. Pidió que le conectemos con {count}.',
    pressOne: 'Oprima 1 para conectarse. Si no pidió esta llamada, simplemente cuelgue.',
    goodbye: 'No escuchamos un 1, así que no le conectaremos. Adiós.',
    skipHint: 'Puede oprimir asterisco en cualquier momento para pasar a la siguiente oficina.',
    targetIntro: 'Le conectamos con {title} {name}{office}.',
    between: 'Gracias. Por favor, permanezca en la línea para su próxima llamada.',
    unreachable: 'No pudimos comunicarnos con esa oficina.',
    tryingOffice: 'Probamos con otra de sus oficinas.',
    thanks: 'Esa fue su última llamada. Gracias por hacer oír su voz. Adiós.',
    welcome: 'Gracias por llamar a {campaign}.',
    connecting: 'Le conectaremos con {count}.',
    noTargets: 'No encontramos a nadie a quien llamar. Adiós.',
    askZip: 'Por favor, marque su código postal de cinco dígitos para encontrar a sus representantes en el Congreso.',
    badZip: 'No encontramos ese código postal.',
    askDistrict: 'Su código postal está en más de un distrito.',
    paused: 'Esta campaña está en pausa. Por favor, intente más tarde. Adiós.',
    closed: 'Esta campaña ha terminado. Gracias por su apoyo. Adiós.',
    limited: 'Ha alcanzado el número de llamadas que podemos conectar por ahora. ¡Gracias! Por favor, intente más tarde. Adiós.',
    askOutcome: '¿Cómo le fue? Oprima 1 si habló con alguien, 2 si dejó un mensaje de voz, o 3 si nadie contestó.',
    offerAgain: '¿Quiere que le volvamos a llamar {schedule}? Oprima 1 para sí.',
    optedIn: '¡Gracias! Le volveremos a llamar {schedule}. Para dejar de recibir llamadas, oprima 9 en cualquiera de ellas.',
    scheduledIntro: '¡Hola! Le llama {campaign} de nuevo, como pidió, para conectarle con {count}. Para dejar de recibir estas llamadas, oprima 9.',
    optedOut: 'No le volveremos a llamar. Gracias por su apoyo. Adiós.',
    refused: 'Esta línea no puede atender su llamada. Adiós.',
  },
};

const OFFICE_COUNT: Record<Locale, (count: number) => string> = {
  en: (count) => (count === 1 ? 'one office' : `${count} offices`),
  es: (count) => (count === 1 ? 'una oficina' : `${count} oficinas`),
};

/** Spoken titles: "Sen." reads badly in text-to-speech. */
const SPOKEN_TITLES: Record<Locale, Record<string, string>> = {
  en: { 'Sen.': 'Senator', 'Rep.': 'Representative', 'Del.': 'Delegate', 'Res. Comm.': 'Resident Commissioner' },
  es: { 'Sen.': 'el senador', 'Rep.': 'el representante', 'Del.': 'el delegado', 'Res. Comm.': 'el comisionado residente' },
};

/** One keypad choice among a split ZIP's representatives. */
export const DISTRICT_CHOICE: Record<Locale, string> = {
  en: 'For {title} {name}, press {digit}.',
  es: 'Para {title} {name}, oprima {digit}.',
};

export const spokenTitle = (locale: Locale, title: string) => SPOKEN_TITLES[locale][title] ?? title;
export const officeCount = (locale: Locale, count: number) => OFFICE_COUNT[locale](count);

export function fillIn(template: string, vars: Record<string, string | number>): string {
  return template
    .replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match))
    .replace(/\s+/g, ' ')
    .trim();
}
