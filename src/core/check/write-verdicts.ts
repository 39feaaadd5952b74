// Each write judged against the final state: an acknowledged write that is
// missing was lost, an unknown one is counted as present or absent, and a
// final id no write matched was never attempted.
import type { OpRecord } from '../history.js';
import type { ServiceResult } from './check-types.js';
import type { IndexedIds } from './id-index.js';
import type { Rpo } from './loss-types.js';
import { scratchUint8 } from './scratch.js';

export class WriteVerdicts {
  attempted = 0;
  acknowledged = 0;
  failed = 0;
  unknown = 0;
  unknownPresent = 0;
  unknownAbsent = 0;
  readonly lostIds: string[] = [];
  readonly lostWrites: OpRecord[] = [];
  // A failed op was reported as definitely not applied; finding it in the
  // final state breaks that promise, and ServiceResult has no field of its
  // own for it, so it is reported with the writes nobody attempted.
  readonly unexpectedIds: string[] = [];
  private readonly lostAcks = new AckSpan();
  private readonly failureCauses = new Map<string, number>();
  // Final ids some op matched (by position of first occurrence): the rest were
  // never attempted, found without a second index of the attempted ids.
  private readonly matched: Uint8Array;
  private matchedCount = 0;

  constructor(
    private readonly finalList: readonly string[],
    private readonly finalIds: IndexedIds,
  ) {
    this.matched = scratchUint8('check.matched', finalList.length);
  }

  /** Counts one write under its outcome; true when the final state holds it. */
  judge(op: OpRecord): boolean {
    this.attempted++;
    const at = this.finalIds.index.find(op.id);
    const isPresent = at !== -1;
    if (isPresent && this.matched[at] === 0) {
      this.matched[at] = 1;
      this.matchedCount++;
    }
    switch (op.outcome) {
      case 'ok':
        this.acknowledged++;
        if (!isPresent) {
          this.lostIds.push(op.id);
          this.lostWrites.push(op);
          this.lostAcks.note(op.completeMs ?? op.invokeMs);
        }
        break;
      case 'failed': {
        this.failed++;
        const cause = causeOf(op.error);
        this.failureCauses.set(cause, (this.failureCauses.get(cause) ?? 0) + 1);
        if (isPresent) this.unexpectedIds.push(op.id);
        break;
      }
      case 'unknown':
        this.unknown++;
        if (isPresent) this.unknownPresent++;
        else this.unknownAbsent++;
        break;
    }
    return isPresent;
  }

  /** Adds the final ids no write matched to the unexpected ones: once, after the last write is judged. */
  noteUnattempted(): void {
    const { finalList, finalIds, matched } = this;
    if (this.matchedCount === finalIds.index.size) return;
    for (let i = 0; i < finalList.length; i++) if (finalIds.first[i] === 1 && matched[i] === 0) this.unexpectedIds.push(finalList[i]!);
  }

  /** Failed writes by cause, most frequent first. */
  failures(): ServiceResult['failures'] {
    return [...this.failureCauses].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1));
  }

  rpo(outageStartMs: number | null): Rpo {
    return this.lostAcks.rpo(this.lostIds.length, outageStartMs);
  }
}

/** A failed write's cause: the code its client reported (ER_LOCK_DEADLOCK, ECONNREFUSED, READONLY), else the start of its message. */
function causeOf(error: string | undefined): string {
  const message = error?.trim() ?? '';
  if (message === '') return 'no error recorded';
  const code = /^([A-Z][A-Z0-9_]{2,})\b/.exec(message)?.[1];
  return code ?? (message.length > 60 ? `${message.slice(0, 57)}...` : message);
}

/** The oldest and newest acknowledgement of the lost writes. */
export class AckSpan {
  private first = Infinity;
  private last = -Infinity;

  note(ackMs: number): void {
    if (ackMs < this.first) this.first = ackMs;
    if (ackMs > this.last) this.last = ackMs;
  }

  windowMs(): number | null {
    return this.first === Infinity ? null : this.last - this.first;
  }

  rpo(lostWrites: number, outageStartMs: number | null): Rpo {
    const none = this.first === Infinity;
    return {
      lostWrites,
      windowMs: this.windowMs(),
      firstLostAckMs: none ? null : this.first,
      lastLostAckMs: none ? null : this.last,
      beforeOutageMs: none || outageStartMs === null ? null : Math.max(0, outageStartMs - this.first),
    };
  }
}
