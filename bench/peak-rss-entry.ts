// The CLI's entry with its own peak memory reported: for machines without GNU
// time (/usr/bin/time), the scale benchmark runs `hadrill` through this file,
// which runs the same main module and, as the process exits, writes
// process.resourceUsage().maxRSS (KiB, the kernel's high-water mark of the
// resident set) to the file HADRILL_BENCH_RSS_FILE names.
import { writeFileSync } from 'node:fs';

const out = process.env['HADRILL_BENCH_RSS_FILE'];
if (out) process.on('exit', () => writeFileSync(out, `${process.resourceUsage().maxRSS}\n`));
await import('../src/cli/main.js');
