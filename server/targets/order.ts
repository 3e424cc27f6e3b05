import { createHash } from 'node:crypto';

/**
 * A shuffle that is random across callers but stable for one caller (seeded by their number's hash),
 * so a caller who tries again hears the same order, and tests can pin it.
 */
export function seededShuffle<T>(items: readonly T[], seed: string): T[] {
  const digest = createHash('sha256').update(seed).digest();
  let state = digest.readUInt32LE(0);
  // mulberry32: small, fast, good enough to spread callers across offices.
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
