// Large typed arrays for the working state of one call, kept for the next.
// A check of a big history needs tens of megabytes of them; allocated afresh
// every time they count as new external memory, and V8 answers growth of
// external memory with a full collection of the whole heap, which on a
// million-operation history costs more than the check itself (and
// `drill --repeat` checks again and again in one process).
//
// Each call site has its own key, so two arrays in use at once never share a
// buffer; nothing borrowed from here may outlive the call that borrowed it,
// or end up in a result.

const buffers = new Map<string, ArrayBuffer>();

function bufferFor(key: string, bytes: number): ArrayBuffer {
  const have = buffers.get(key);
  if (have !== undefined && have.byteLength >= bytes) return have;
  // A little headroom, so a history that grows a bit does not reallocate.
  const size = Math.ceil((bytes * 1.25) / 8) * 8;
  const fresh = new ArrayBuffer(size);
  buffers.set(key, fresh);
  return fresh;
}

export function scratchInt32(key: string, length: number, fill = 0): Int32Array {
  return new Int32Array(bufferFor(key, length * 4), 0, length).fill(fill);
}

export function scratchUint8(key: string, length: number): Uint8Array {
  return new Uint8Array(bufferFor(key, length), 0, length).fill(0);
}

/** Contents are left as the last user left them: for arrays the caller writes before it reads. */
export function scratchFloat64(key: string, length: number): Float64Array {
  return new Float64Array(bufferFor(key, length * 8), 0, length);
}
