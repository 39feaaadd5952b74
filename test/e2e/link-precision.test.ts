// The userspace WAN emulator measured the way the kernel test measures netem:
// a run brought up in Docker on this kernel, with the same fixture and the
// same suite, so docs/faults.md can set the two side by side.
import assert from 'node:assert/strict';
import { hadrill } from '../support/hadrill-cli.js';
import { removeEverything, requireDockerAndImage, tempHome, uniqueRun } from '../support/docker-env.js';
import { dockerWanLab } from '../support/docker-wan-lab.js';
import { linkPrecisionTests } from '../support/link-precision.js';

const home = tempHome();
const run = uniqueRun('e2e-precision');

linkPrecisionTests({
  open: async () => {
    await requireDockerAndImage();
    const lab = await dockerWanLab('test/fixtures/link-precision.yaml', run, home, 'userspace');
    assert.equal(lab.mechanism, 'userspace');
    return lab;
  },
  close: async () => {
    await hadrill(['down', '--run', run], { HADRILL_HOME: home });
    await removeEverything(run);
  },
  // The emulator is a Python process: two passes through its TUN device add
  // 0.35-0.8 ms to a round trip on an idle machine, and up to 1.6 ms while a
  // whole suite loads two cores (medians of 2.5 and 2.6 ms on a 1 ms link in
  // two CI runs). Its stated precision is 10% or 2 ms; netem's is 10% or 1 ms.
  rttToleranceMs: (configuredMs) => Math.max(configuredMs * 0.1, 2),
});
