// JUnit XML for CI test tabs: one test case per SLO, so a violated SLO shows
// up as a failed test with the measured value in its message.
import type { Report } from './report-model.js';
import { formatSloActual } from './render-summary.js';

export function renderJunit(report: Report): string {
  const incomplete = report.incomplete ?? [];
  const tests = report.slos.length + incomplete.length;
  const failures = report.slos.filter((s) => !s.ok).length;
  const started = Date.parse(report.startedAt);
  const finished = Date.parse(report.finishedAt);
  const seconds = Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, (finished - started) / 1000) : 0;
  const time = seconds.toFixed(3);
  const suiteName = `hadrill ${report.scenario.name}`;
  const counts = `tests="${tests}" failures="${failures}" errors="${incomplete.length}"`;

  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hadrill" ${counts} time="${time}">`,
    `  <testsuite name="${attr(suiteName)}" ${counts} skipped="0" timestamp="${attr(report.startedAt)}" time="${time}">`,
    '    <properties>',
    property('run', report.run),
    property('tier', report.scenario.tier),
    property('mode', report.mode),
    ...(report.scenario.file === null ? [] : [property('scenario-file', report.scenario.file)]),
    property('verdict', report.verdict),
    '    </properties>',
  ];
  for (const slo of report.slos) {
    const classname = `hadrill.${report.scenario.name}.${slo.service}`;
    const open = `    <testcase name="${attr(slo.name)}" classname="${attr(classname)}" time="0"`;
    if (slo.ok) {
      out.push(`${open}/>`);
      continue;
    }
    const measured = formatSloActual(slo, report.services.find((s) => s.name === slo.service));
    const message = `${slo.name} violated: measured ${measured}. ${slo.message}`;
    out.push(
      `${open}>`,
      `      <failure message="${attr(message)}" type="slo.${slo.metric}">${text(
        `metric: ${slo.metric}\nthreshold: ${slo.threshold}\nmeasured: ${slo.actual ?? measured}\n${slo.message}`,
      )}</failure>`,
      '    </testcase>',
    );
  }
  // A service that could not be checked is an error, not a failure: no SLO was judged.
  for (const i of incomplete) {
    out.push(
      `    <testcase name="${attr(`${i.name} final state`)}" classname="${attr(`hadrill.${report.scenario.name}.${i.name}`)}" time="0">`,
      `      <error message="${attr(`${i.name} not checked: ${i.reason}`)}" type="check.incomplete">${text(`readable: ${i.readable.join(', ') || 'none'}\nunreadable: ${i.unreadable.map((u) => `${u.node} (${u.reason})`).join(', ') || 'none'}`)}</error>`,
      '    </testcase>',
    );
  }
  if (report.notes.length > 0) out.push(`    <system-out>${text(report.notes.join('\n'))}</system-out>`);
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

function property(name: string, value: string): string {
  return `      <property name="${attr(name)}" value="${attr(value)}"/>`;
}

// Characters XML 1.0 forbids outright (C0 controls other than tab/LF/CR,
// lone surrogates, U+FFFE/U+FFFF) cannot be escaped, only dropped.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXmlText(s: string): string {
  return s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes, and keep line breaks that parsers would otherwise normalise to spaces. */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const text = escapeXmlText;
const attr = escapeXmlAttr;
