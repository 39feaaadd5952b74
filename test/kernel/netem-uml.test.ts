// tc/netem on a real kernel: a User-Mode Linux guest (Linux 6.1 with
// sch_netem, sch_htb, cls_u32) lays out a run's networks as namespaces, and
// hadrill's engine sets up the WAN router and applies and heals faults there,
// running exactly the commands it runs in a Docker router on a host with
// netem. Fails, never skips, when User-Mode Linux is not installed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkPrecisionTests } from '../support/link-precision.js';
import { UmlGuest } from '../support/uml-guest.js';
import { umlWanLab } from '../support/uml-wan-lab.js';

const home = mkdtempSync(join(tmpdir(), 'hadrill-uml-home-'));
// The engine journals faults under HADRILL_HOME; this test process has its own.
process.env['HADRILL_HOME'] = home;
let guest: UmlGuest | undefined;

linkPrecisionTests({
  open: async () => {
    guest = await UmlGuest.boot();
    const lab = await umlWanLab(guest, 'test/fixtures/link-precision.yaml');
    assert.equal(lab.mechanism, 'netem', 'the engine picked netem on a kernel that has it');
    return lab;
  },
  close: async () => {
    await guest?.close();
    rmSync(home, { recursive: true, force: true });
  },
  // The bar for netem: within 10% or 1 ms, whichever is larger.
  rttToleranceMs: (configuredMs) => Math.max(configuredMs * 0.1, 1),
});
