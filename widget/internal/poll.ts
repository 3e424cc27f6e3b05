/**
 * Calls `refresh` now and every `every` milliseconds while the page is visible: a hidden page stops
 * asking, and a page shown again refreshes at once. Returns a function that stops.
 */
export function whileVisible(refresh: () => void, every: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    clearTimeout(timer);
    if (document.hidden) return;
    refresh();
    timer = setTimeout(tick, every);
  };
  document.addEventListener('visibilitychange', tick);
  tick();
  return () => {
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', tick);
  };
}
