// The attached scenario the attach unit tests start from: a MySQL pair with
// failover none and a Redis pair with three Sentinels, every container chosen
// by name. Each test changes one piece of it.

export interface AttachedScenarioParts {
  /** The MySQL group's credentials, as a YAML flow mapping. */
  db?: string;
  /** The Redis group's credentials. */
  cache?: string;
  /** The IDCs that have a client. */
  clientIdcs?: string[];
  /** The drill's timeline entries, one YAML line each. */
  timeline?: string[];
}

export function attachedScenarioText(parts: AttachedScenarioParts = {}): string {
  const db = parts.db ?? '{ password: { env: SHOP_DB_PASSWORD } }';
  const cache = parts.cache ?? '{ password: { env: SHOP_REDIS_PASSWORD } }';
  const clients = (parts.clientIdcs ?? ['idc-a']).map((idc) => `{ idc: ${idc} }`).join(', ');
  const timeline = (parts.timeline ?? ['{ at: 5s, fault: isolate, idc: idc-c }']).map((t) => `    - ${t}\n`).join('');
  return `name: t
idcs: [{ name: idc-a }, { name: idc-b }, { name: idc-c }]
groups:
  - name: db
    kind: mysql
    nodes:
      - { name: db-a, idc: idc-a, role: primary, container: { name: shop-db-a } }
      - { name: db-b, idc: idc-b, role: replica, container: { name: shop-db-b } }
    credentials: ${db}
    failover: { kind: none }
  - name: cache
    kind: redis
    nodes:
      - { name: redis-a, idc: idc-a, container: { name: shop-redis-a } }
      - { name: redis-b, idc: idc-b, container: { name: shop-redis-b } }
    credentials: ${cache}
    failover:
      kind: sentinel
      sentinels:
        - { name: sentinel-a, idc: idc-a, container: { name: shop-sentinel-a } }
        - { name: sentinel-b, idc: idc-b, container: { name: shop-sentinel-b } }
        - { name: sentinel-c, idc: idc-c, container: { name: shop-sentinel-c } }
workload:
  clients: [${clients}]
  groups:
    - { group: db, writesPerSecond: 10, writes: writable }
    - { group: cache, writesPerSecond: 10, writes: writer }
drill:
  timeline:
${timeline}`;
}
