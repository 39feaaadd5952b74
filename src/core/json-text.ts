// A value's JSON text in chunks, never as one string: the final state of a
// drill of ten million operations lists tens of millions of ids, and its
// indented JSON passes V8's limit on a string's length (about 512 M
// characters), where JSON.stringify throws. The chunks joined are exactly
// what JSON.stringify(value, null, indent) returns, so a file written from
// them is the same file, and readers that take it whole still can.

/** Characters a chunk holds before it is handed out: large enough to write quickly, small enough to be no burden. */
const CHUNK_CHARS = 1 << 20;

/**
 * JSON.stringify(value, null, indent) in chunks of about a MiB. As there:
 * toJSON is called, undefined and functions are left out of objects and
 * are null in arrays, non-finite numbers are null, and a cycle or a bigint
 * throws a TypeError. The value must not be undefined or a function itself.
 */
export function* jsonChunks(value: unknown, indent = 2): Generator<string> {
  const out = new Chunks();
  const pad = ' '.repeat(indent);
  const inside = new Set<object>();
  // v is an object or array whose toJSON, if any, was called already.
  const fill = function* (v: object, depth: number): Generator<string> {
    if (inside.has(v)) throw new TypeError('Converting circular structure to JSON');
    inside.add(v);
    const outer = '\n' + pad.repeat(depth);
    const inner = outer + pad;
    // Without indentation JSON.stringify puts no line breaks and no space after the colon.
    const [open, sep, colon, close] = indent === 0 ? ['', ',', ':', ''] : [inner, ',' + inner, ': ', outer];
    if (Array.isArray(v)) {
      if (v.length === 0) out.push('[]');
      else {
        out.push('[');
        for (let i = 0; i < v.length; ) {
          const leaves = leavesFrom(v, i);
          if (leaves > 0) {
            // A long array is mostly strings or numbers (ids): a slice of them
            // is written by JSON.stringify, and its lines moved to this depth.
            const text = JSON.stringify(v.slice(i, i + leaves), null, indent);
            out.push((i === 0 ? open : sep) + (indent === 0 ? text.slice(1, -1) : text.slice(2 + indent, -2).replace(/\n/g, outer)));
            i += leaves;
          } else {
            out.push(i === 0 ? open : sep);
            const item = jsonValue(v[i], i);
            if (isComposite(item)) yield* fill(item, depth + 1);
            else out.push(leafText(item) ?? 'null');
            i++;
          }
          if (out.size >= CHUNK_CHARS) yield out.take();
        }
        out.push(close + ']');
      }
    } else {
      let first = true;
      for (const k of Object.keys(v)) {
        const member = jsonValue((v as Record<string, unknown>)[k], k);
        if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
        out.push((first ? '{' + open : sep) + JSON.stringify(k) + colon);
        first = false;
        if (isComposite(member)) yield* fill(member, depth + 1);
        else out.push(leafText(member)!);
      }
      out.push(first ? '{}' : close + '}');
    }
    inside.delete(v);
    if (out.size >= CHUNK_CHARS) yield out.take();
  };
  const top = jsonValue(value, '');
  if (isComposite(top)) yield* fill(top, 0);
  else {
    const text = leafText(top);
    if (text === undefined) throw new TypeError('jsonChunks: the value has no JSON text');
    out.push(text);
  }
  if (out.size > 0) yield out.take();
}

/** What JSON.stringify writes for v: its toJSON's value when it has one, a boxed primitive's value. */
function jsonValue(v: unknown, key: string | number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(key: string): unknown }).toJSON(String(key));
  if (v instanceof Number || v instanceof String || v instanceof Boolean) return v.valueOf();
  return v;
}

/** Items of one slice at most. */
const SLICE = 4096;

/** How many items from i on, up to a slice, JSON.stringify may write as they are: no objects, whose toJSON would see another index, no bigints. */
function leavesFrom(items: readonly unknown[], i: number): number {
  const end = Math.min(items.length, i + SLICE);
  let j = i;
  for (; j < end; j++) {
    const x = items[j];
    if ((typeof x === 'object' && x !== null) || typeof x === 'bigint') break;
  }
  return j - i;
}

function isComposite(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** A string, number, boolean or null's JSON text; undefined for what JSON has no text for (undefined, a function, a symbol). */
function leafText(v: unknown): string | undefined {
  if (typeof v === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
  return JSON.stringify(v);
}

/** Pieces of text waiting to be joined into a chunk. */
class Chunks {
  private parts: string[] = [];
  size = 0;
  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }
  take(): string {
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return chunk;
  }
}
