/** Someone a supporter is connected to, resolved on the server when the call is accepted. */
export interface Target {
  /** Bioguide id for members of Congress; the campaign's own id for custom targets. */
  id: string;
  name: string;
  title: string;
  party?: string;
  state?: string;
  district?: string;
  /** E.164 number dialed for this target. */
  phone: string;
  /** Digits sent after the office answers (an extension). */
  extension?: string;
  /** Spoken before the dial when it is not the main office, e.g. "district office in Oakland". */
  office?: string;
  /** A member's other offices, tried in turn when the one dialed is busy, does not answer or fails. */
  fallbacks?: Office[];
}

/** One office of a target: its number and, when it is not the main one, its name. */
export type Office = Pick<Target, 'phone' | 'office'>;

/** The office dialed on attempt `attempt` of a target (0: its first). */
export const officeAt = (target: Target, attempt: number): Office | undefined => (attempt ? target.fallbacks?.[attempt - 1] : target);

/** What a public client may see of a target. */
export function publicTarget({ extension: _extension, fallbacks: _fallbacks, ...target }: Target) {
  return target;
}
