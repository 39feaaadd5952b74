// Which running container an attached node is: a selector must match exactly
// one container of the engine, never one of hadrill's own, and one with an
// address of its own that hadrill can cut without cutting anything else.
// Then the network all of them share, which hadrill's clients join.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { COMPOSE_NUMBER, COMPOSE_ONEOFF, COMPOSE_PROJECT, COMPOSE_SERVICE, selectContainer, sharedNetwork, type Candidate } from '../../src/core/attach/select.js';
import { LABEL_MANAGED } from '../../src/core/plan/labels.js';
import type { ContainerSelector } from '../../src/core/scenario/scenario.js';

/** A running container on network "shop_default" unless told otherwise; ids are 64 hex digits, as Docker's are. */
function candidate(name: string, over: Partial<Candidate> = {}): Candidate {
  return { id: createHash('sha256').update(name).digest('hex'), name, image: 'mariadb:10.11', state: 'running', labels: {}, ips: { shop_default: '172.20.0.2' }, networkMode: 'shop_default', ...over };
}

const composeLabels = (project: string, service: string, number: number, oneoff = 'False'): Record<string, string> => ({
  [COMPOSE_PROJECT]: project,
  [COMPOSE_SERVICE]: service,
  [COMPOSE_NUMBER]: String(number),
  [COMPOSE_ONEOFF]: oneoff,
});

/** The container chosen, failing the test with the problem when there is none. */
function chosen(selector: ContainerSelector, all: Candidate[]): string {
  const result = selectContainer('db-a', selector, all);
  assert.ok('found' in result, 'problem' in result ? result.problem : '');
  return result.found.name;
}

/** The problem reported, failing the test when a container was chosen. */
function refused(selector: ContainerSelector, all: Candidate[]): string {
  const result = selectContainer('db-a', selector, all);
  assert.ok('problem' in result, `chose ${'found' in result ? result.found.name : ''}`);
  return result.problem;
}

describe('selecting a container by name or id', () => {
  const all = [candidate('shop-db-a'), candidate('shop-db-a-old'), candidate('shop-db-b')];

  test('a name selects the container of exactly that name, not one whose name merely starts with it', () => {
    assert.equal(chosen({ name: 'shop-db-a' }, all), 'shop-db-a');
    assert.equal(chosen({ name: 'shop-db-a-old' }, all), 'shop-db-a-old');
  });

  test('the full id selects its container', () => {
    const b = all[2]!;
    assert.equal(chosen({ name: b.id }, all), 'shop-db-b');
  });

  test('an id prefix of 12 characters or more selects its container, as `docker ps` shows ids', () => {
    const b = all[2]!;
    assert.equal(chosen({ name: b.id.slice(0, 12) }, all), 'shop-db-b');
    assert.equal(chosen({ name: b.id.slice(0, 20) }, all), 'shop-db-b');
  });

  test('an id prefix shorter than 12 characters selects nothing', () => {
    const b = all[2]!;
    const problem = refused({ name: b.id.slice(0, 11) }, all);
    assert.match(problem, /no container on this Docker engine is the container named/);
  });
});

describe('selecting a container by Compose project, service and number', () => {
  test('the project, service and number must all match', () => {
    const all = [
      candidate('shop-db-1', { labels: composeLabels('shop', 'db', 1) }),
      candidate('shop-db-2', { labels: composeLabels('shop', 'db', 2) }),
      candidate('other-db-1', { labels: composeLabels('other', 'db', 1) }),
      candidate('shop-cache-1', { labels: composeLabels('shop', 'cache', 1) }),
    ];
    assert.equal(chosen({ compose: { project: 'shop', service: 'db', number: 1 } }, all), 'shop-db-1');
    assert.equal(chosen({ compose: { project: 'shop', service: 'db', number: 2 } }, all), 'shop-db-2');
    assert.equal(chosen({ compose: { project: 'other', service: 'db', number: 1 } }, all), 'other-db-1');
    assert.match(refused({ compose: { project: 'shop', service: 'db', number: 3 } }, all), /service "db" \(number 3\) of Compose project "shop"/);
  });

  test('a one-off `docker compose run` container of the service is never the service itself', () => {
    const all = [candidate('shop-db-run-1a2b', { labels: composeLabels('shop', 'db', 1, 'True') }), candidate('shop-db-1', { labels: composeLabels('shop', 'db', 1) })];
    assert.equal(chosen({ compose: { project: 'shop', service: 'db', number: 1 } }, all), 'shop-db-1');
    assert.match(refused({ compose: { project: 'shop', service: 'db', number: 1 } }, [all[0]!]), /no container/);
  });

  test('a container made before Compose wrote the one-off label still counts as the service', () => {
    const labels = composeLabels('shop', 'db', 1);
    delete labels[COMPOSE_ONEOFF];
    assert.equal(chosen({ compose: { project: 'shop', service: 'db', number: 1 } }, [candidate('shop-db-1', { labels })]), 'shop-db-1');
  });
});

describe('selecting a container by labels', () => {
  const all = [
    candidate('redis-a', { labels: { app: 'shop', part: 'redis-a', extra: 'x' } }),
    candidate('redis-b', { labels: { app: 'shop', part: 'redis-b' } }),
  ];

  test('every label of the selector must match; the container may carry more', () => {
    assert.equal(chosen({ labels: { app: 'shop', part: 'redis-a' } }, all), 'redis-a');
    assert.equal(chosen({ labels: { part: 'redis-b' } }, all), 'redis-b');
  });

  test('a container carrying only some of the labels does not match', () => {
    const problem = refused({ labels: { app: 'shop', part: 'redis-c' } }, all);
    assert.match(problem, /the container labelled app=shop, part=redis-c/);
  });
});

describe('why a node has no container to attach to', () => {
  test('no match: the problem names the node, what was looked for, and `docker ps -a`', () => {
    const problem = refused({ name: 'shop-db-z' }, [candidate('shop-db-a')]);
    assert.match(problem, /^db-a: no container on this Docker engine is the container named "shop-db-z"/);
    assert.match(problem, /start your stack first/);
    assert.match(problem, /`docker ps -a`/);
  });

  test('several matches: the problem counts and names them, and says how to narrow it', () => {
    const all = [candidate('redis-a', { labels: { app: 'shop' } }), candidate('redis-b', { labels: { app: 'shop' } }), candidate('db', { labels: { app: 'other' } })];
    const problem = refused({ labels: { app: 'shop' } }, all);
    assert.match(problem, /^db-a: 2 containers match the container labelled app=shop \(redis-a, redis-b\)/);
    assert.match(problem, /add a label only it carries/);
  });

  test('one of hadrill\'s own containers is refused: an attached scenario drills the user\'s', () => {
    const problem = refused({ name: 'hadrill-r1-db-a' }, [candidate('hadrill-r1-db-a', { labels: { [LABEL_MANAGED]: 'true' } })]);
    assert.match(problem, /hadrill-r1-db-a is one of hadrill's own containers/);
  });

  test('a container on the host\'s network stack is refused: cutting it would cut the host', () => {
    const problem = refused({ name: 'db' }, [candidate('db', { networkMode: 'host', ips: {} })]);
    assert.match(problem, /db shares the host's network stack/);
    assert.match(problem, /give it a network of its own/);
  });

  test('a container on another container\'s network stack is refused too', () => {
    const problem = refused({ name: 'db' }, [candidate('db', { networkMode: 'container:abc123', ips: {} })]);
    assert.match(problem, /db shares another container's network stack/);
  });

  test('a stopped container without an address is refused, saying to start it', () => {
    const problem = refused({ name: 'db' }, [candidate('db', { state: 'exited', ips: { shop_default: '' } })]);
    assert.equal(problem, 'db-a: db has no IPv4 address (it is exited: start it first)');
  });

  test('a running container without an IPv4 address is refused without a hint to start it', () => {
    const problem = refused({ name: 'db' }, [candidate('db', { ips: {} })]);
    assert.equal(problem, 'db-a: db has no IPv4 address');
  });

  test('a container with an address on one of several networks is chosen', () => {
    assert.equal(chosen({ name: 'db' }, [candidate('db', { ips: { a: '', b: '10.0.0.5' } })]), 'db');
  });
});

describe('the network every attached container shares', () => {
  test('the alphabetically first network that every container is on', () => {
    const found = [
      candidate('a', { ips: { zeta: '10.1.0.2', shop_default: '10.2.0.2', backend: '10.3.0.2' } }),
      candidate('b', { ips: { zeta: '10.1.0.3', shop_default: '10.2.0.3' } }),
      candidate('c', { ips: { shop_default: '10.2.0.4', zeta: '10.1.0.4', backend: '10.3.0.4' } }),
    ];
    // backend would come first, but b is not on it.
    assert.equal(sharedNetwork(found), 'shop_default');
  });

  test('none when the containers have no network in common', () => {
    assert.equal(sharedNetwork([candidate('a', { ips: { one: '10.1.0.2' } }), candidate('b', { ips: { two: '10.2.0.2' } })]), null);
  });

  test('a network on which one container has an empty address does not count as shared', () => {
    const found = [candidate('a', { ips: { alpha: '10.1.0.2', beta: '10.2.0.2' } }), candidate('b', { ips: { alpha: '', beta: '10.2.0.3' } })];
    assert.equal(sharedNetwork(found), 'beta');
    const firstEmpty = [candidate('a', { ips: { alpha: '', beta: '10.2.0.2' } }), candidate('b', { ips: { alpha: '10.1.0.3', beta: '10.2.0.3' } })];
    assert.equal(sharedNetwork(firstEmpty), 'beta');
  });

  test('none when there are no containers', () => {
    assert.equal(sharedNetwork([]), null);
  });
});
