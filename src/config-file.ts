// How the processes hadrill runs inside the topology (workload agents, the
// failover manager) read their configuration: JSON in the file an environment
// variable names. hadrill puts the file into the container before it starts,
// so its passwords and token are in neither the environment nor `docker inspect`.
import { readFileSync } from 'node:fs';

export function readConfigFile<T>(variable: string, who: string): T {
  const file = process.env[variable];
  if (!file) {
    console.error(`${who}: ${variable} is not set`);
    process.exit(2);
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    console.error(`${who}: cannot read its configuration from ${file}: ${(error as Error).message}`);
    process.exit(2);
  }
}
