// One made-up six-node Redis Cluster for the kind's unit tests: node ids and
// addresses as CLUSTER NODES shows them, three masters and their replicas.
export const M_A = 'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca';
export const M_B = '67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1';
export const M_C = '292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f';
export const R_A = '07c37dfeb235213a872192d90877d0cd55635b91';
export const R_B = '6ec23923021cf3ffec47632106199cb7f496ce01';
export const R_C = '824fe116063bc5fcf9f4ffd895bc17aee7731ac3';

/** Node names by address. */
export const NAMES: ReadonlyMap<string, string> = new Map([
  ['10.20.1.11', 'm-a'],
  ['10.20.2.11', 'm-b'],
  ['10.20.3.11', 'm-c'],
  ['10.20.2.12', 'r-a'],
  ['10.20.3.12', 'r-b'],
  ['10.20.1.12', 'r-c'],
]);
