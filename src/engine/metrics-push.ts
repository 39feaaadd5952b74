// --pushgateway URL: the drill's outcome pushed to a Prometheus Pushgateway,
// grouped by job "hadrill" and the scenario's name. PUT replaces the group's
// metrics, so a drill's figures never mix with its predecessor's. A push that
// fails is a warning: the drill's verdict stands.
import { HadrillError, errorMessage } from '../core/errors.js';
import { TEXT_CONTENT_TYPE, renderText } from '../core/metrics/exposition.js';
import { outcomeFamilies } from '../core/metrics/hadrill-metrics.js';
import type { Report } from '../core/report/report-model.js';
import { fetchWithin } from '../fetch-within.js';

const PUSH_TIMEOUT_MS = 10_000;

/** Checked before the drill starts. */
export function checkPushgatewayUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HadrillError('usage', `--pushgateway ${text}: not a URL.`, { hint: 'Write the Pushgateway\'s base URL, e.g. --pushgateway http://127.0.0.1:9091.' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HadrillError('usage', `--pushgateway ${text}: only http and https URLs can be pushed to.`, { hint: 'e.g. --pushgateway http://127.0.0.1:9091' });
  if (url.search || url.hash) throw new HadrillError('usage', `--pushgateway ${text}: the base URL takes no query or fragment.`, { hint: 'e.g. --pushgateway http://127.0.0.1:9091' });
  return url;
}

/** URL/metrics/job/hadrill/scenario/<name>; a value holding a slash goes in the Pushgateway's base64 form. */
export function pushUrl(base: string, scenario: string): string {
  const root = base.replace(/\/+$/, '');
  const value = scenario.includes('/') || scenario === '' ? `scenario@base64/${Buffer.from(scenario).toString('base64url') || '='}` : `scenario/${encodeURIComponent(scenario)}`;
  return `${root}/metrics/job/hadrill/${value}`;
}

/** Null when the Pushgateway took the push; otherwise what went wrong, for a warning. */
export async function pushOutcome(base: string, report: Report): Promise<string | null> {
  const url = pushUrl(base, report.scenario.name);
  try {
    return await fetchWithin(url, { method: 'PUT', headers: { 'content-type': TEXT_CONTENT_TYPE }, body: renderText(outcomeFamilies(report)) }, PUSH_TIMEOUT_MS, async (response) => {
      if (response.ok) return null;
      const body = (await response.text()).trim().slice(0, 500);
      return `the Pushgateway answered ${response.status} ${response.statusText} to PUT ${url}${body ? `: ${body}` : ''}`;
    });
  } catch (error) {
    return `could not push to ${url}: ${errorMessage(error)}`;
  }
}
