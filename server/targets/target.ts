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
}

/** What a public client may see of a target. */
export function publicTarget({ extension: _extension, ...target }: Target) {
  return target;
}
