/** Anything that looks like a phone number (7+ digits, with the usual separators). */
const PHONE_LIKE = /\+?\d[\d\s().-]{5,}\d/g;

/** Masks phone-like digit runs so a caller's number never reaches a log line, whatever produced it. */
export function redact(text: string): string {
  return text.replace(PHONE_LIKE, (match) => {
    const digits = match.replace(/\D/g, '');
    return digits.length < 7 ? match : `[phone …${digits.slice(-2)}]`;
  });
}

export type Logger = (line: string) => void;

export const consoleLogger: Logger = (line) => console.log(redact(line));
