// The userspace WAN emulator measured the way the kernel test measures netem:
// a run brought up in Docker on this kernel, with the same fixture and the
// same suite, so the README can set the two side by side.
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
  rttToleranceMs: (configuredMs) => Math.max(configuredMs * 0.1, 1),
});
