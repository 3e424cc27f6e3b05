/**
 * TwiML for the verbs the call flow uses, written the way twilio's `VoiceResponse` writes it (same
 * declaration, attribute order, escaping and self-closing tags; test/server/twiml-writer.test.ts checks
 * the two against each other). `VoiceResponse` builds a fresh xmlbuilder document for every element it
 * adds, which made TwiML ~60–80 µs of a ~400 µs webhook (issue 13); this is plain string building.
 */

type Value = string | number | boolean | readonly string[] | undefined;
type Attributes = Record<string, Value>;

/** Characters XML 1.0 cannot carry at all: dropped, where xmlbuilder would throw (and the webhook would fail). */
const ILLEGAL = /[\0-\x08\x0B\f\x0E-\x1F\uFFFE\uFFFF]/g;
/** Lone surrogates become U+FFFD (`String#toWellFormed`: Node 20 has it; TypeScript's ES2023 lib does not). */
const wellFormed = (text: string) => (text as string & { toWellFormed(): string }).toWellFormed();
const legal = (text: string) => wellFormed(text).replace(ILLEGAL, '');

/** As xmlbuilder's `textEscape`. */
const escapeText = (text: string) => legal(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');

/** As xmlbuilder's `attEscape`, with twilio's lists joined by spaces. */
function escapeAttribute(value: Exclude<Value, undefined>): string {
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  return legal(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** An element under construction; children are written in the order they were added. */
class Element {
  readonly #name: string;
  readonly #attributes: string;
  readonly #children: (Element | string)[] = [];

  constructor(name: string, attributes: Attributes = {}) {
    this.#name = name;
    let written = '';
    for (const [key, value] of Object.entries(attributes)) {
      // xmlbuilder leaves out attributes without a value.
      if (value !== undefined) written += ` ${key}="${escapeAttribute(value)}"`;
    }
    this.#attributes = written;
  }

  protected add<E extends Element>(child: E): E {
    this.#children.push(child);
    return child;
  }

  /** Text content; none at all when empty (then the tag closes itself, as xmlbuilder writes it). */
  protected text(text: string): this {
    const escaped = escapeText(text);
    if (escaped) this.#children.push(escaped);
    return this;
  }

  write(): string {
    if (!this.#children.length) return `<${this.#name}${this.#attributes}/>`;
    let inner = '';
    for (const child of this.#children) inner += typeof child === 'string' ? child : child.write();
    return `<${this.#name}${this.#attributes}>${inner}</${this.#name}>`;
  }
}

/** What can hold a `<Say>`: the response itself, and a `<Gather>`. */
class Speaking extends Element {
  say(attributes: Attributes, message: string): void {
    this.add(new TextElement('Say', attributes, message));
  }
}

class TextElement extends Element {
  constructor(name: string, attributes: Attributes, text: string) {
    super(name, attributes);
    this.text(text);
  }
}

class Dial extends Element {
  number(attributes: Attributes, phone: string): void {
    this.add(new TextElement('Number', attributes, phone));
  }
}

export class TwimlResponse extends Speaking {
  constructor() {
    super('Response');
  }

  gather(attributes: Attributes): Speaking {
    return this.add(new Speaking('Gather', attributes));
  }

  dial(attributes: Attributes): Dial {
    return this.add(new Dial('Dial', attributes));
  }

  redirect(attributes: Attributes, url: string): void {
    this.add(new TextElement('Redirect', attributes, url));
  }

  pause(attributes: Attributes): void {
    this.add(new Element('Pause', attributes));
  }

  hangup(): void {
    this.add(new Element('Hangup'));
  }

  toString(): string {
    return `<?xml version="1.0" encoding="UTF-8"?>${this.write()}`;
  }
}
