// Sending one operation to a router over HTTP, as an agent does to its zone's
// router and a router does to a home zone's: the answer, or what can be said
// about an operation whose answer never came.
import { fetchWithin } from '../../../fetch-within.js';
import { ROUTER_PATHS, type DalAnswer, type DalRead, type DalWrite } from '../protocol.js';

const POLL_MS = 50;

/** Resolves once the router answers its health check, or after `withinMs`: the first operations then tell. */
export async function routerAnswered(router: string, token: string, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      if (await fetchWithin(`${router}${ROUTER_PATHS.health}`, { headers: { authorization: `Bearer ${token}` } }, 500, async (r) => r.ok)) return;
    } catch {
      // Not listening yet, or not routable yet: its IDC's routes are installed after its containers start.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function postWrite(router: string, token: string, write: DalWrite, timeoutMs: number, headers: Record<string, string> = {}): Promise<DalAnswer> {
  return postToRouter(`${router}${ROUTER_PATHS.write}`, token, write, timeoutMs, headers);
}

/** A read that got no answer did not change anything: it failed. */
export async function postRead(router: string, token: string, read: DalRead, timeoutMs: number): Promise<DalAnswer> {
  const answer = await postToRouter(`${router}${ROUTER_PATHS.read}`, token, read, timeoutMs, {});
  return answer.outcome === 'unknown' ? { ...answer, outcome: 'failed' } : answer;
}

async function postToRouter(url: string, token: string, body: DalWrite | DalRead, timeoutMs: number, headers: Record<string, string>): Promise<DalAnswer> {
  const router = new URL(url).host;
  try {
    // Within the deadline even while connecting: a router waiting on a forward to a vanished zone would
    // otherwise hold its shard's in-flight count, and the controller's move, for 10 s.
    const init = { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
    return await fetchWithin(url, init, timeoutMs, async (response): Promise<DalAnswer> => {
      if (!response.ok) return { outcome: 'failed', error: `DAL_HTTP ${response.status} from ${router}` };
      return (await response.json()) as DalAnswer;
    });
  } catch (error) {
    // A refused or unroutable connection never carried the write; one that timed out may have.
    const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
    const notSent = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code);
    return { outcome: notSent ? 'failed' : 'unknown', error: `DAL_UNREACHABLE ${router}: ${code || (error as Error).message}` };
  }
}
