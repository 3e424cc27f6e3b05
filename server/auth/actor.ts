import type { Role } from './roles.ts';

/** Who is asking, and as what, in which organisation. Set by the admin middleware for every admin route. */
export interface Actor {
  /** `operator`: the ADMIN_TOKEN; `member`: a signed-in person; `key`: an organisation's API key. */
  kind: 'operator' | 'member' | 'key';
  /** The member's or key's id; `operator` for the operator. */
  id: string;
  /** The member's email, the key's name, or `operator`: what the audit log shows. */
  label: string;
  /** The organisation the request acts in. */
  orgId: string;
  role: Role;
}

export type ActorEnv = { Variables: { actor: Actor } };

/** The operator owns every organisation and acts in `default` unless told otherwise. */
export const DEFAULT_ORG = 'default';
