// Sending one write to a router over HTTP, as an agent does to its zone's
// router and a router does to a home zone's: the answer, or what can be said
// about a write whose answer never came.
import { ROUTER_PATHS, type DalAnswer, type DalWrite } from './protocol.js';

export async function postWrite(router: string, token: string, write: DalWrite, timeoutMs: number, headers: Record<string, string> = {}): Promise<DalAnswer> {
  try {
    const response = await fetch(`${router}${ROUTER_PATHS.write}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(write),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return { outcome: 'failed', error: `DAL_HTTP ${response.status} from ${router}` };
    return (await response.json()) as DalAnswer;
  } catch (error) {
    // A refused or unroutable connection never carried the write; one that timed out may have.
    const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
    const notSent = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code);
    return { outcome: notSent ? 'failed' : 'unknown', error: `DAL_UNREACHABLE ${router}: ${code || (error as Error).message}` };
  }
}
