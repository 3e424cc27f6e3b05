/** A digest of the sources under `root` (sizes, mtimes, CALL_POWER_COUNTRIES). */
export function sourceDigest(root?: string, env?: Record<string, string | undefined>): string;
/** Why a build is needed under `root`, or undefined when the last one is current. */
export function staleBecause(root?: string, env?: Record<string, string | undefined>): string | undefined;
