// The HTML report in a real browser: headless Chromium renders the page
// `hadrill report` writes for a real drill, with no network. The test reads
// back the DOM after load (with JavaScript errors, failed or attempted
// resource loads and layout facts recorded into it by a probe injected into a
// copy of the page) and a screenshot, kept as a test artifact, whose pixels
// must show the verdict badge and the chart's lines. It fails, never skips,
// when Chromium is missing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { hadrill, ROOT } from '../support/hadrill-cli.js';

const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const FIXTURE = join(ROOT, 'test', 'fixtures', 'hot-standby-report');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const SCREENSHOT = join(ARTIFACTS, 'hot-standby-report.png');
const PAGE = join(ARTIFACTS, 'hot-standby-report.html');
const WIDTH = 1400;
const HEIGHT = 2200;

function chromium(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'hadrill-chromium-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    // Anything the page tried to fetch would fail here, and show up below.
    '--host-resolver-rules=MAP * ~NOTFOUND',
    `--user-data-dir=${profile}`,
    `--window-size=${WIDTH},${HEIGHT}`,
    '--hide-scrollbars',
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, flags, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`${CHROMIUM} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/** Runs before the page's own content: records what went wrong, then, after load, what was fetched and how the page laid out. */
const PROBE = `<script>
(function () {
  var errors = [];
  function record(message) { errors.push(String(message)); }
  window.onerror = function (message, source, line, column) { record('error: ' + message + ' at ' + source + ':' + line + ':' + column); };
  window.addEventListener('error', function (e) {
    if (e.target && e.target !== window) record('failed to load: ' + (e.target.src || e.target.href || e.target.tagName));
  }, true);
  window.addEventListener('unhandledrejection', function (e) { record('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () { record('console.error: ' + Array.prototype.join.call(arguments, ' ')); return consoleError.apply(console, arguments); };
  window.addEventListener('load', function () {
    var box = function (el) { if (!el) return null; var r = el.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]; };
    var facts = {
      errors: errors,
      resources: performance.getEntriesByType('resource').map(function (r) { return r.name; }),
      pageWidth: document.documentElement.scrollWidth,
      viewportWidth: window.innerWidth,
      svg: box(document.querySelector('svg.timeline')),
      fault: box(document.querySelector('svg.timeline rect.fault-power')),
      lines: document.querySelectorAll('svg.timeline path.series').length,
      bodyFont: getComputedStyle(document.body).fontFamily,
    };
    var out = document.createElement('pre');
    out.id = 'hadrill-probe';
    out.textContent = JSON.stringify(facts);
    document.body.appendChild(out);
  });
})();
</script>`;

interface Facts {
  errors: string[];
  resources: string[];
  pageWidth: number;
  viewportWidth: number;
  svg: number[] | null;
  fault: number[] | null;
  lines: number;
  bodyFont: string;
}

/** Just enough PNG decoding (8-bit RGB or RGBA, no interlace) to look at the pixels. */
function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth 8');
      assert.equal(data[12], 0, 'not interlaced');
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      assert.ok(channels > 0, `colour type ${data[9]}`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter]!;
      pixels[y * stride + x] = (line[x]! + predictor) & 255;
    }
  }
  return { width, height, channels, pixels };
}

function countColour(img: ReturnType<typeof decodePng>, hex: string): number {
  const want = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < img.pixels.length; i += img.channels) {
    if (img.pixels[i] === want[0] && img.pixels[i + 1] === want[1] && img.pixels[i + 2] === want[2]) n++;
  }
  return n;
}

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`The browser test needs Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or point CHROMIUM at one).`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
}

describe('the HTML report in headless Chromium', () => {
  test('hadrill report writes the page for a real drill', async () => {
    requireChromium();
    const r = await hadrill(['report', FIXTURE, '-o', PAGE]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync(PAGE).size > 10_000);
  });

  test('loads with no JavaScript error, no network request and a laid-out timeline', async () => {
    requireChromium();
    const probed = join(mkdtempSync(join(tmpdir(), 'hadrill-page-')), 'report.html');
    writeFileSync(probed, readFileSync(PAGE, 'utf8').replace('<head>', `<head>\n${PROBE}`));
    const { stdout } = await chromium(['--virtual-time-budget=5000', '--dump-dom', `file://${probed}`]);
    assert.match(stdout, /<svg class="timeline" id="timeline-mysql"/, 'the dumped DOM has the SVG timeline');
    assert.match(stdout, /<rect class="fault fault-power"/, 'and the shaded fault window');
    const json = /<pre id="hadrill-probe">([^<]*)<\/pre>/.exec(stdout);
    assert.ok(json, 'the probe ran after load');
    const facts = JSON.parse(json[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Facts;
    assert.deepEqual(facts.errors, [], 'no JavaScript error or failed load');
    assert.deepEqual(facts.resources, [], 'nothing fetched: the page is self-contained');
    assert.ok(facts.pageWidth <= facts.viewportWidth, `no horizontal scrolling at ${WIDTH} px (page ${facts.pageWidth} px)`);
    assert.ok(facts.svg !== null && facts.svg[2]! > 900 && facts.svg[3]! > 400, `timeline drawn at a readable size: ${JSON.stringify(facts.svg)}`);
    assert.ok(facts.fault !== null && facts.fault[2]! > 300, `fault window shaded across the outage: ${JSON.stringify(facts.fault)}`);
    assert.ok(facts.lines >= 10, `${facts.lines} series lines`);
    assert.match(facts.bodyFont, /sans-serif/);
  });

  test('takes a screenshot that shows the verdict and the charts', async () => {
    requireChromium();
    rmSync(SCREENSHOT, { force: true });
    await chromium([`--screenshot=${SCREENSHOT}`, `file://${PAGE}`]);
    assert.ok(existsSync(SCREENSHOT), `screenshot written to ${SCREENSHOT}`);
    const png = readFileSync(SCREENSHOT);
    assert.ok(png.length > 50_000, `a page with content, not a blank one (${png.length} bytes)`);
    const img = decodePng(png);
    assert.deepEqual([img.width, img.height], [WIDTH, HEIGHT]);
    assert.ok(countColour(img, '#1a7f37') > 1000, 'the green PASS badge');
    assert.ok(countColour(img, '#1f77b4') > 300, 'the idc-a lines');
    assert.ok(countColour(img, '#e6550d') > 300, 'the idc-b lines');
    let white = 0;
    for (let i = 0; i < img.pixels.length; i += img.channels) if (img.pixels[i] === 255 && img.pixels[i + 1] === 255 && img.pixels[i + 2] === 255) white++;
    const share = white / (img.width * img.height);
    assert.ok(share > 0.5 && share < 0.97, `mostly white background with content on it (${(share * 100).toFixed(1)}% white)`);
  });
});
