/**
 * Copies `text` to the clipboard and says so; without a clipboard (an http page, or permission refused)
 * selects `shown`, the element that shows it, for Ctrl+C instead.
 */
export async function copyText(text: string, shown: Element): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return 'Copied to the clipboard.';
  } catch {
    const range = document.createRange();
    range.selectNodeContents(shown);
    getSelection()?.removeAllRanges();
    getSelection()?.addRange(range);
    return 'Selected: press Ctrl+C (⌘C) to copy.';
  }
}
