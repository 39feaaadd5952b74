// JSON read from text that arrives in pieces: a saved final state of ten
// million operations is more text than one string can hold (V8's limit is
// about 512 M characters), so JSON.parse cannot take the file whole. The
// parser takes it a block at a time and builds the same value JSON.parse
// would; what it rejects, JSON.parse rejects too.
//
// Strings are the bulk of such a file (ids, one per line) and are read with
// indexOf rather than a character at a time. Each kept string is a fresh
// copy made by JSON.parse of its quoted text: a substring of a block would
// hold on to the whole block for as long as the id lives.

export interface JsonStreamOptions {
  /**
   * Every string value (not object keys) is offered to it: it returns the
   * caller's own copy of an equal string, which the parser keeps instead of
   * making a second one (the ids of a history, say), or undefined for a
   * fresh copy. It must not keep the string it is given.
   */
  string?: (s: string) => string | undefined;
  /**
   * Which items of an array to keep, by the key the array is the value of
   * ('' for an array in an array, or at the top): the rest are read and
   * dropped, so a reader that needs a few ids of a final state does not
   * hold millions.
   */
  arrayItem?: (key: string, item: unknown) => boolean;
}

/** An open array, with the key it is the value of; an open object, with the key whose value comes next. */
type Frame = { array: unknown[]; key: string } | { object: Record<string, unknown>; key: string };

const enum Expect {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  Nothing,
}

const NUMBER_CHARS = /[-+0-9.eE]*/y;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LITERALS: Record<string, { text: string; value: unknown }> = { t: { text: 'true', value: true }, f: { text: 'false', value: false }, n: { text: 'null', value: null } };

export class JsonStreamParser {
  private buf = '';
  private pos = 0;
  /** Characters dropped from the front of buf, for positions in messages. */
  private dropped = 0;
  private expect = Expect.Value;
  private readonly stack: Frame[] = [];
  private root: unknown = undefined;

  constructor(private readonly options: JsonStreamOptions = {}) {}

  /** The next piece of the text. */
  push(text: string): void {
    this.dropped += this.pos;
    this.buf = this.buf.slice(this.pos) + text;
    this.pos = 0;
    this.run(false);
  }

  /** The value, once the whole text was pushed; throws a SyntaxError as JSON.parse would when it is not one JSON value. */
  end(): unknown {
    this.run(true);
    if (this.expect !== Expect.Nothing) throw new SyntaxError('Unexpected end of JSON input');
    return this.root;
  }

  /** Reads as far as the text goes; a token cut at the end of buf waits for the next piece, unless this is the end. */
  private run(final: boolean): void {
    const buf = this.buf;
    const n = buf.length;
    let pos = this.pos;
    for (;;) {
      let c = buf.charCodeAt(pos);
      // Spaces, tabs and line breaks.
      while (c === 32 || c === 10 || c === 13 || c === 9) c = buf.charCodeAt(++pos);
      if (pos >= n) break;
      const expect = this.expect;
      if (expect === Expect.CommaOrEnd) {
        const top = this.stack[this.stack.length - 1]!;
        if (c === 44) {
          this.expect = 'array' in top ? Expect.Value : Expect.Key;
          pos++;
        } else if (c === ('array' in top ? 93 : 125)) {
          pos++;
          this.close();
        } else this.fail(pos);
      } else if (expect === Expect.Value || expect === Expect.ValueOrEnd) {
        if (c === 34) {
          const end = closingQuote(buf, pos);
          if (end === -1) break;
          this.value(this.stringAt(buf, pos, end, true));
          pos = end + 1;
        } else if (c === 123) {
          this.stack.push({ object: {}, key: '' });
          this.expect = Expect.KeyOrEnd;
          pos++;
        } else if (c === 91) {
          const parent = this.stack[this.stack.length - 1];
          this.stack.push({ array: [], key: parent !== undefined && 'object' in parent ? parent.key : '' });
          this.expect = Expect.ValueOrEnd;
          pos++;
        } else if (c === 93 && expect === Expect.ValueOrEnd) {
          pos++;
          this.close();
        } else if (c === 45 || (c >= 48 && c <= 57)) {
          NUMBER_CHARS.lastIndex = pos;
          NUMBER_CHARS.test(buf);
          const end = NUMBER_CHARS.lastIndex;
          if (end === n && !final) break;
          const text = buf.slice(pos, end);
          if (!NUMBER.test(text)) this.fail(pos);
          this.value(Number(text));
          pos = end;
        } else {
          const literal = LITERALS[buf[pos]!];
          if (literal === undefined) this.fail(pos);
          if (n - pos < literal.text.length && !final) break;
          if (!buf.startsWith(literal.text, pos)) this.fail(pos);
          this.value(literal.value);
          pos += literal.text.length;
        }
      } else if (expect === Expect.Key || expect === Expect.KeyOrEnd) {
        if (c === 34) {
          const end = closingQuote(buf, pos);
          if (end === -1) break;
          (this.stack[this.stack.length - 1] as { key: string }).key = this.stringAt(buf, pos, end, false);
          this.expect = Expect.Colon;
          pos = end + 1;
        } else if (c === 125 && expect === Expect.KeyOrEnd) {
          pos++;
          this.close();
        } else this.fail(pos);
      } else if (expect === Expect.Colon) {
        if (c !== 58) this.fail(pos);
        this.expect = Expect.Value;
        pos++;
      } else this.fail(pos);
    }
    this.pos = pos;
    if (final && pos < n) this.fail(pos);
  }

  /** The string whose quotes are at start and end. */
  private stringAt(buf: string, start: number, end: number, isValue: boolean): string {
    const held = isValue ? this.options.string : undefined;
    if (held === undefined) return this.quoted(buf, start, end);
    const raw = buf.slice(start + 1, end);
    const s = raw.indexOf('\\') === -1 ? raw : this.quoted(buf, start, end);
    return held(s) ?? (s === raw ? this.quoted(buf, start, end) : s);
  }

  /** A fresh copy of the string whose quotes are at start and end, its escapes read. */
  private quoted(buf: string, start: number, end: number): string {
    try {
      return JSON.parse(buf.slice(start, end + 1)) as string;
    } catch (error) {
      throw new SyntaxError(`${(error as Error).message.replace(/ in JSON at position \d+.*$| at position \d+.*$/, '')} in a string at position ${this.dropped + start}`);
    }
  }

  private value(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.root = v;
      this.expect = Expect.Nothing;
      return;
    }
    if ('array' in top) {
      if (this.options.arrayItem === undefined || this.options.arrayItem(top.key, v)) top.array.push(v);
    }
    // As JSON.parse: "__proto__" is a key like any other, never the prototype.
    else if (top.key === '__proto__') Object.defineProperty(top.object, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
    else top.object[top.key] = v;
    this.expect = Expect.CommaOrEnd;
  }

  private close(): void {
    const frame = this.stack.pop()!;
    this.value('array' in frame ? frame.array : frame.object);
  }

  private fail(pos: number): never {
    const c = this.buf[pos];
    throw new SyntaxError(c === undefined ? 'Unexpected end of JSON input' : `Unexpected token ${JSON.stringify(c)} in JSON at position ${this.dropped + pos}`);
  }
}

/** Where the string opening at start closes, or -1 when its end is not in buf yet. */
function closingQuote(buf: string, start: number): number {
  for (let end = buf.indexOf('"', start + 1); end !== -1; end = buf.indexOf('"', end + 1)) {
    let backslashes = 0;
    while (buf.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
  return -1;
}
