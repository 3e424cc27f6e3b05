/**
 * Remembers each key's answer for `ttlMs`. It keeps the promise, so a burst of misses shares one
 * query; failures are not kept. At `max` keys the oldest is dropped.
 */
export function ttlCache<T>(ttlMs: number, max = 10_000) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return function cached(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < ttlMs) return hit.value;
    entries.delete(key);
    if (entries.size >= max) entries.delete(entries.keys().next().value!);
    const value = load();
    entries.set(key, { at: now, value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
