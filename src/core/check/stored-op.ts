// An OpRecord as the checker stores it, by the million. An op gets its
// optional fields after it is made (a completion's node and error, a read's
// answer): added to an object literal they go to a second, separate store,
// while an object made by a constructor keeps room for them in itself (V8
// sizes a constructor's objects from the first few it makes). That is about
// 24 bytes less per op, 240 MB on a history of ten million. The fields are
// the OpRecord's and set in its order, so JSON.stringify writes the same line.
import type { OpKind, OpRecord, OpRoute, Outcome, ServiceName } from '../history.js';

export class StoredOp implements OpRecord {
  id: string;
  service: ServiceName;
  kind: OpKind;
  client: string;
  idc: string;
  invokeMs: number;
  completeMs: number | null = null;
  outcome: Outcome = 'unknown';
  // Declared only: a field left unset must stay absent, not become an own property holding undefined.
  declare key?: string;
  declare error?: string;
  declare node?: string;
  declare observed?: string | null;
  declare route?: OpRoute;

  constructor(id: string, service: ServiceName, kind: OpKind, client: string, idc: string, invokeMs: number) {
    this.id = id;
    this.service = service;
    this.kind = kind;
    this.client = client;
    this.idc = idc;
    this.invokeMs = invokeMs;
  }
}
