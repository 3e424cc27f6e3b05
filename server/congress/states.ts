/** Postal codes of the states, DC and the territories with a seat in Congress → their names, for what we say and show. */
const NAMES: Record<string, { en: string; es?: string }> = {
  AL: { en: 'Alabama' }, AK: { en: 'Alaska' }, AZ: { en: 'Arizona' }, AR: { en: 'Arkansas' }, CA: { en: 'California' },
  CO: { en: 'Colorado' }, CT: { en: 'Connecticut' }, DE: { en: 'Delaware' }, FL: { en: 'Florida' }, GA: { en: 'Georgia' },
  HI: { en: 'Hawaii', es: 'Hawái' }, ID: { en: 'Idaho' }, IL: { en: 'Illinois' }, IN: { en: 'Indiana' }, IA: { en: 'Iowa' },
  KS: { en: 'Kansas' }, KY: { en: 'Kentucky' }, LA: { en: 'Louisiana', es: 'Luisiana' }, ME: { en: 'Maine' },
  MD: { en: 'Maryland' }, MA: { en: 'Massachusetts' }, MI: { en: 'Michigan', es: 'Míchigan' }, MN: { en: 'Minnesota' },
  MS: { en: 'Mississippi', es: 'Misisipi' }, MO: { en: 'Missouri', es: 'Misuri' }, MT: { en: 'Montana' },
  NE: { en: 'Nebraska' }, NV: { en: 'Nevada' }, NH: { en: 'New Hampshire', es: 'Nuevo Hampshire' },
  NJ: { en: 'New Jersey', es: 'Nueva Jersey' }, NM: { en: 'New Mexico', es: 'Nuevo México' },
  NY: { en: 'New York', es: 'Nueva York' }, NC: { en: 'North Carolina', es: 'Carolina del Norte' },
  ND: { en: 'North Dakota', es: 'Dakota del Norte' }, OH: { en: 'Ohio' }, OK: { en: 'Oklahoma' }, OR: { en: 'Oregon', es: 'Oregón' },
  PA: { en: 'Pennsylvania', es: 'Pensilvania' }, RI: { en: 'Rhode Island' }, SC: { en: 'South Carolina', es: 'Carolina del Sur' },
  SD: { en: 'South Dakota', es: 'Dakota del Sur' }, TN: { en: 'Tennessee', es: 'Tennessee' }, TX: { en: 'Texas' },
  UT: { en: 'Utah' }, VT: { en: 'Vermont' }, VA: { en: 'Virginia' }, WA: { en: 'Washington' },
  WV: { en: 'West Virginia', es: 'Virginia Occidental' }, WI: { en: 'Wisconsin' }, WY: { en: 'Wyoming' },
  DC: { en: 'the District of Columbia', es: 'el Distrito de Columbia' }, PR: { en: 'Puerto Rico' },
  GU: { en: 'Guam' }, VI: { en: 'the U.S. Virgin Islands', es: 'las Islas Vírgenes' }, AS: { en: 'American Samoa', es: 'Samoa Americana' },
  MP: { en: 'the Northern Mariana Islands', es: 'las Islas Marianas del Norte' },
};

export function stateName(code: string, locale: 'en' | 'es' = 'en'): string {
  const name = NAMES[code];
  return name ? ((locale === 'es' ? name.es : undefined) ?? name.en) : code;
}
