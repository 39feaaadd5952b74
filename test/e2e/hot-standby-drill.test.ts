// End to end against real containers: the hot-standby drills. A replication
// backlog is built on purpose (the standby stops receiving), then the primary's
// IDC loses power. The report must count exactly the acknowledged writes that
// never reached the standby, checked here against the standby read directly.
// (The semi-sync twin is drilled by the GitHub Action's compare mode in
// ci-pipelines.test.ts, which checks it loses nothing.)
// The async drill is also scraped by a real Prometheus and pushes its outcome
// to a real Pushgateway and a node_exporter textfile: what they hold must
// agree with the report. Its faults and promotions go to Grafana as
// annotations, to a file and to a stand-in for Grafana's HTTP API.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Report } from '../../src/core/report/report-model.js';
import type { RunState } from '../../src/engine/run-store.js';
import { hadrill } from '../support/hadrill-cli.js';
import { leftovers, removeEverything, requireDockerAndImage, tempHome, uniqueRun } from '../support/docker-env.js';
import { acknowledgedIds, difference, readReportDir } from '../support/report-files.js';
import { mysqlIds, mysqlRegisters, redisIds } from '../support/node-reads.js';
import { freePort, promQuery, promQueryUntil, promtoolCheck, PROMETHEUS, PROMTOOL, PUSHGATEWAY, startPrometheus, startPushgateway, type LocalServer, type PromSample } from '../support/prometheus.js';

describe('hot standby, async replication, power loss after a replication backlog', () => {
  const home = tempHome();
  const run = uniqueRun('e2e-async');
  const reportDir = join(home, 'report');
  const env = { HADRILL_HOME: home };
  const textfile = join(home, 'hadrill.prom');
  let metricsAddress = '';
  let prometheus: LocalServer | null = null;
  let pushgateway: LocalServer | null = null;
  let drilled: Report | null = null;
  const annotationsFile = join(home, 'annotations.json');
  /** What a stand-in for Grafana's POST /api/annotations received: the bearer token and each body. */
  const posted: { auth: string | undefined; body: Record<string, unknown> }[] = [];
  const grafana = createServer((req, res) => {
    let text = '';
    req.on('data', (b: Buffer) => (text += b.toString()));
    req.on('end', () => {
      const ok = req.method === 'POST' && req.url === '/api/annotations' && /^application\/json/.test(req.headers['content-type'] ?? '');
      if (ok) posted.push({ auth: req.headers.authorization, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { message: 'Annotation added', id: posted.length } : { message: 'bad request' }));
    });
  });

  before(requireDockerAndImage);
  before(async () => {
    for (const binary of [PROMETHEUS, PUSHGATEWAY, PROMTOOL]) assert.ok(existsSync(binary), `${binary} is missing: install Debian's prometheus and prometheus-pushgateway (.ci/run does)`);
    metricsAddress = `127.0.0.1:${await freePort()}`;
    pushgateway = await startPushgateway();
    prometheus = await startPrometheus([metricsAddress]);
    await new Promise<void>((resolve) => grafana.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await hadrill(['down', '--run', run], env);
    await removeEverything(run);
    await prometheus?.stop();
    await pushgateway?.stop();
    grafana.close();
  });

  test('report.json counts exactly the acknowledged writes missing from the promoted standby', { timeout: 240_000 }, async () => {
    const metricsFlags = ['--metrics-listen', metricsAddress, '--metrics-textfile', textfile, '--pushgateway', pushgateway?.url ?? ''];
    const grafanaUrl = `http://127.0.0.1:${(grafana.address() as AddressInfo).port}`;
    const grafanaFlags = ['--annotations-file', annotationsFile, '--grafana-url', grafanaUrl];
    const result = await hadrill(['drill', 'scenarios/hot-standby.yaml', '--run', run, '--report-dir', reportDir, '--keep', ...metricsFlags, ...grafanaFlags], { ...env, HADRILL_GRAFANA_TOKEN: 'e2e-token' });
    assert.equal(result.code, 0, `drill exit code (stderr: ${result.stderr.slice(-2000)})`);
    const { report, history, finalState } = readReportDir(reportDir);
    drilled = report;
    const state = JSON.parse(readFileSync(join(home, 'runs', run, 'state.json'), 'utf8')) as RunState;
    const ipOf = (node: string): string => state.plan.containers.find((c) => c.node === node)?.ip ?? '';

    // Ground truth, read here and not by hadrill: what the surviving standby holds now.
    const standbyIds = await mysqlIds(ipOf('db-b'), state.secrets.rootPassword);
    const mysqlResult = report.services.find((s) => s.name === 'mysql');
    assert.ok(mysqlResult);
    assert.equal(mysqlResult.authoritativeNode, 'db-b', 'the standby was promoted');
    const expectedLost = difference(acknowledgedIds(history, 'mysql'), standbyIds);
    assert.ok(expectedLost.length > 0, 'the replication backlog must lose acknowledged writes');
    assert.equal(mysqlResult.lost, expectedLost.length);
    assert.deepEqual([...mysqlResult.lostIds].sort(), expectedLost);

    // Why: db-a acknowledged them and was replaced by db-b before replication shipped them. Those still on
    // db-a (it came back fenced) are recounted here from db-a itself.
    const causes = mysqlResult.lostCauses ?? [];
    assert.deepEqual([...new Set(causes.map((g) => `${g.cause} by ${g.node}, replaced by ${g.replacedBy}`))], ['unreplicated by db-a, replaced by db-b'], JSON.stringify(causes));
    for (const g of causes) assert.deepEqual(g.faults, ['replication-stop db-b', 'power idc-a']);
    const onOldPrimary = await mysqlIds(ipOf('db-a'), state.secrets.rootPassword);
    const causeOf = new Map(causes.flatMap((g) => g.ids.map((id) => [id, g.stillOn] as const)));
    assert.deepEqual(expectedLost.filter((id) => JSON.stringify(causeOf.get(id)) !== JSON.stringify(onOldPrimary.has(id) ? ['db-a'] : [])), [], 'each lost write is said to be on db-a exactly when db-a holds it');

    // And independently of any node: the lost writes are the ones acknowledged while the standby was cut off.
    const stop = report.faults.find((f) => f.spec.kind === 'replication-stop');
    const power = report.faults.find((f) => f.spec.kind === 'power');
    assert.ok(stop && power);
    const lost = new Set(expectedLost);
    for (const op of history.filter((o) => o.service === 'mysql' && o.kind === 'write' && o.outcome === 'ok')) {
      const completed = op.completeMs ?? 0;
      if (op.invokeMs > stop.appliedMs + 50 && completed < power.requestedMs) assert.ok(lost.has(op.id), `${op.id} was acknowledged during the backlog and must be lost`);
      if (completed < stop.requestedMs - 50) assert.ok(!lost.has(op.id), `${op.id} was acknowledged before the backlog and must have survived`);
    }

    // The three files agree: lost = acknowledged in history.jsonl - ids in final-state.json.
    const finalMysql = finalState.services.find((s) => s.service === 'mysql');
    const finalIds = new Set(finalMysql?.nodes.find((n) => n.node === finalMysql.authoritativeNode)?.ids ?? []);
    assert.deepEqual(difference(acknowledgedIds(history, 'mysql'), finalIds), expectedLost);

    const redisResult = report.services.find((s) => s.name === 'redis');
    assert.ok(redisResult);
    const redisMasterIp = state.plan.containers.find((c) => c.node === redisResult.authoritativeNode)?.ip ?? '';
    const redisExpectedLost = difference(acknowledgedIds(history, 'redis'), await redisIds(redisMasterIp, state.secrets.redisPassword));
    assert.equal(redisResult.lost, redisExpectedLost.length);

    for (const s of report.services) {
      assert.ok(s.rtoMs !== null && s.rtoMs > 0 && s.rtoMs < 30_000, `${s.name} recovered, RTO ${s.rtoMs}`);
    }

    // Stale reads. The standby's answers while it was cut off never include a write sent after the
    // stop, so every read of it in that window (after a short grace for in-flight events) is stale,
    // and the oldest missed write was acknowledged just after the stop: the worst age is the length
    // of the cut-off, less at most a write interval, a read interval and a few round trips.
    const writesById = new Map(history.filter((o) => o.kind === 'write').map((o) => [o.id, o]));
    const cutOffReads = history.filter(
      (o) => o.service === 'mysql' && o.kind === 'read' && o.idc === 'idc-b' && o.outcome === 'ok' && o.invokeMs > stop.appliedMs + 300 && o.invokeMs < power.requestedMs,
    );
    assert.ok(cutOffReads.length >= 10, `the standby was read while cut off (${cutOffReads.length} reads)`);
    for (const read of cutOffReads) {
      const seen = read.observed ? writesById.get(read.observed) : undefined;
      assert.ok(seen === undefined || seen.invokeMs < stop.appliedMs + 50, `${read.id} saw ${read.observed}, sent after the stop`);
    }
    const standbyReads = mysqlResult.reads.byIdc.find((i) => i.idc === 'idc-b');
    assert.ok(standbyReads && standbyReads.nodes.includes(ipOf('db-b')), 'idc-b reads its local standby');
    assert.ok(standbyReads.stale >= cutOffReads.length, `${standbyReads.stale} stale reads counted, ${cutOffReads.length} in the cut-off`);
    // The cut-off ends where the outage begins: when the power loss was requested (from then on reads are
    // judged only against writes that survived).
    const cutOff = power.requestedMs - stop.appliedMs;
    assert.ok(standbyReads.maxAgeMs! <= cutOff + 100 && standbyReads.maxAgeMs! >= cutOff - 600, `worst stale age ${standbyReads.maxAgeMs} ms for a ${cutOff} ms cut-off`);
    assert.equal(mysqlResult.reads.unexplained, 0);

    // Shared keys: with one primary at a time, each key's final value is its newest surviving write:
    // no surviving write to the key was sent after that value's write was acknowledged.
    assert.deepEqual(report.services.map((s) => s.conflicts), [0, 0]);
    const registers = finalMysql?.nodes.find((n) => n.node === 'db-b')?.registers ?? {};
    assert.equal(Object.keys(registers).length, 32, 'every one of the 32 shared keys was written');
    for (const [key, id] of Object.entries(registers)) {
      const winner = writesById.get(id);
      assert.ok(winner && winner.key === key && finalIds.has(id), `${key} holds ${id}, a surviving write to it`);
      const newer = history.find((o) => o.kind === 'write' && o.key === key && finalIds.has(o.id) && o.invokeMs > (winner.completeMs ?? Infinity));
      assert.equal(newer, undefined, `${key} holds ${id} although ${newer?.id} was sent after it was acknowledged`);
    }
    // And the table on the standby has every key (agents still write there under --keep, so values may have moved on).
    assert.deepEqual(Object.keys(await mysqlRegisters(ipOf('db-b'), state.secrets.rootPassword)).sort(), Object.keys(registers).sort());

    const down = await hadrill(['down', '--run', run], env);
    assert.equal(down.code, 0);
    assert.deepEqual(await leftovers(run), { containers: [], networks: [] });
  });

  test('Prometheus scraped the drill, and the textfile and the Pushgateway hold its outcome', { timeout: 60_000 }, async (t) => {
    const report = drilled;
    assert.ok(report && prometheus && pushgateway, 'the drill ran');
    const prom = prometheus.url;
    const lost = (service: string): number => report.services.find((s) => s.name === service)?.lost ?? NaN;
    const value = (samples: PromSample[]): number[] => samples.map((s) => Number(s.value[1]));
    const context = (): string => `\nprometheus log:\n${prometheus?.log().slice(-1500)}`;

    // The verdict was served until Prometheus scraped it: it is there at once (the endpoint is gone now,
    // so its series are stale at "now": every query looks back over the drill).
    const verdict = await promQueryUntil(prom, 'last_over_time(hadrill_drill_verdict{verdict="pass"}[10m])', (r) => r.length > 0, 15_000);
    assert.deepEqual(value(verdict), [1], `verdict pass scraped${context()}`);
    assert.equal(verdict[0]?.metric.scenario, 'hot-standby');
    for (const service of ['mysql', 'redis']) {
      const scraped = await promQuery(prom, `last_over_time(hadrill_drill_lost_writes{service="${service}"}[10m])`);
      assert.deepEqual(value(scraped), [lost(service)], `${service} lost writes as scraped`);
      const ok = await promQuery(prom, `sum(max_over_time(hadrill_writes_total{group="${service}",outcome="ok"}[10m]))`);
      assert.ok((value(ok)[0] ?? 0) > 100, `${service}: acknowledged writes counted (${value(ok)})`);
    }
    assert.ok(lost('mysql') > 0, 'the lost writes scraped are not trivially 0');

    // Errors grew during the outage: the failed and unknown mysql writes after the recovery window exceed those before the power loss.
    const power = report.faults.find((f) => f.spec.kind === 'power');
    assert.ok(power);
    const errorsAt = async (ms: number): Promise<number> => {
      const response = await fetch(`${prom}/api/v1/query?${new URLSearchParams({ query: 'sum(hadrill_writes_total{group="mysql",outcome=~"failed|unknown"})', time: String(ms / 1000) })}`);
      const body = (await response.json()) as { data: { result: PromSample[] } };
      return Number(body.data.result[0]?.value[1] ?? 0);
    };
    const before = await errorsAt(power.requestedMs - 500);
    const afterOutage = await errorsAt(power.requestedMs + 15_000);
    assert.ok(afterOutage > before, `failed/unknown mysql writes grew during the outage (${before} -> ${afterOutage})`);
    t.diagnostic(`scraped: mysql failed+unknown writes ${before} before the power loss, ${afterOutage} 15 s after; lost mysql ${lost('mysql')}, redis ${lost('redis')}`);

    const fault = await promQuery(prom, 'max_over_time(hadrill_fault_active{fault="power idc-a"}[10m])');
    assert.deepEqual(value(fault), [1], 'the power fault was seen active');
    // The writer as the drill ended: db-b, and only db-b (db-a's series went stale when the manager moved on).
    const writerAtEnd = await fetch(`${prom}/api/v1/query?${new URLSearchParams({ query: 'hadrill_writer_info{group="mysql"}', time: String(Date.parse(report.finishedAt) / 1000) })}`);
    const writers = ((await writerAtEnd.json()) as { data: { result: PromSample[] } }).data.result;
    assert.deepEqual(writers.map((w) => w.metric.writer), ['db-b'], 'db-b is the writer after the failover');
    const earlier = await promQuery(prom, 'max_over_time(hadrill_writer_info{group="mysql",writer="db-a"}[10m])');
    assert.deepEqual(value(earlier), [1], 'db-a was the writer before it');

    // The textfile: valid for promtool, and the report's figures.
    const text = readFileSync(textfile, 'utf8');
    const check = promtoolCheck(text);
    assert.equal(check.code, 0, check.output);
    assert.match(text, /^hadrill_drill_verdict\{scenario="hot-standby",verdict="pass"\} 1$/m);
    for (const service of ['mysql', 'redis']) {
      assert.match(text, new RegExp(`^hadrill_drill_lost_writes\\{scenario="hot-standby",service="${service}"\\} ${lost(service)}$`, 'm'));
      const rto = report.services.find((s) => s.name === service)?.rtoMs;
      assert.match(text, new RegExp(`^hadrill_drill_rto_seconds\\{scenario="hot-standby",service="${service}"\\} ${String((rto ?? NaN) / 1000).replace('.', '\\.')}$`, 'm'));
    }
    // The Pushgateway: the families as pushed, grouped by job and scenario.
    const pushed = await (await fetch(`${pushgateway.url}/metrics`)).text();
    assert.match(pushed, /^hadrill_drill_verdict\{instance="",job="hadrill",scenario="hot-standby",verdict="pass"\} 1$/m);
    assert.match(pushed, new RegExp(`^hadrill_drill_lost_writes\\{instance="",job="hadrill",scenario="hot-standby",service="mysql"\\} ${lost('mysql')}$`, 'm'));
    assert.match(pushed, /^hadrill_drill_slo_pass\{instance="",job="hadrill",scenario="hot-standby"\} 1$/m);
  });

  test('the faults, the promotion and the verdict reached Grafana as annotations, in the file and through its API', () => {
    const report = drilled;
    assert.ok(report, 'the drill ran');
    const inFile = JSON.parse(readFileSync(annotationsFile, 'utf8')) as { text: string; time: number; timeEnd?: number; tags: string[] }[];
    assert.deepEqual(posted.map((p) => p.body), inFile, 'the API got exactly what the file holds');
    assert.ok(posted.every((p) => p.auth === 'Bearer e2e-token'), 'each post carries the token');
    for (const a of inFile) {
      assert.ok(typeof a.text === 'string' && a.text.length > 0 && Number.isInteger(a.time) && a.tags.includes('hadrill'), JSON.stringify(a));
      if (a.timeEnd !== undefined) assert.ok(Number.isInteger(a.timeEnd) && a.timeEnd >= a.time, JSON.stringify(a));
    }
    // One per fault, its span the report's own (epoch ms).
    for (const f of report.faults) {
      const a = inFile.find((x) => x.tags.includes('fault') && x.tags.includes(f.spec.kind));
      assert.ok(a, `an annotation for ${f.spec.kind}`);
      assert.equal(a.time, Math.round(f.appliedMs));
      assert.equal(a.timeEnd, f.healedMs === null ? undefined : Math.round(f.healedMs));
    }
    const promotion = inFile.find((x) => x.tags.includes('promotion') && x.tags.includes('mysql'));
    assert.ok(promotion && /db-b became the writer of mysql/.test(promotion.text), JSON.stringify(inFile.filter((x) => x.tags.includes('promotion'))));
    assert.ok(inFile.some((x) => x.tags.includes('drill') && x.tags.includes(report.verdict)), 'the drill and its verdict');
  });
});
