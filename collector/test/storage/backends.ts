import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { openClickHouseStorage } from '../../src/storage/clickhouse';
import { openSqliteStorage } from '../../src/storage/sqlite';
import type { Storage } from '../../src/storage/types';
import { clickhouseBinary, createClickHouseServer, type ClickHouseServer } from './clickhouse-server';

/** One place a test stores into: `open` (again after close) reaches the same data. */
export interface StorePlace {
  open(): Promise<Storage>;
  remove(): void;
}

export interface Backend {
  name: string;
  place(): StorePlace;
}

const sqlite: Backend = {
  name: 'sqlite',
  place() {
    const dir = mkdtempSync(join(tmpdir(), 'openstory-conformance-'));
    return { open: async () => openSqliteStorage(dir), remove: () => rmSync(dir, { recursive: true, force: true }) };
  },
};

/**
 * The backends the conformance suite runs against: SQLite always, ClickHouse when clickhouse-server
 * is installed (.ci/run installs it), started once per test file and stopped after it. Each test
 * gets a database of its own on it.
 */
export function conformanceBackends(): { backends: Backend[] } {
  const server = useClickHouseServer('the ClickHouse half of the storage conformance suite');
  if (!server) return { backends: [sqlite] };
  const clickhouse: Backend = {
    name: 'clickhouse',
    place() {
      const database = `t_${randomUUID().replace(/-/g, '')}`;
      const url = () => `clickhouse://default@${server().url.replace('http://', '')}/${database}`;
      return { open: () => openClickHouseStorage(url()), remove: () => undefined };
    },
  };
  return { backends: [sqlite, clickhouse] };
}

/**
 * A clickhouse-server for the test file: started before its tests, stopped and removed after them.
 * Undefined, with the skip printed, when the binary is not installed.
 */
export function useClickHouseServer(what: string): (() => ClickHouseServer) | undefined {
  const binary = clickhouseBinary();
  if (!binary) {
    console.warn(`[storage tests] clickhouse-server not installed: ${what} is SKIPPED (apt-get install clickhouse-server)`);
    return undefined;
  }
  let server: ClickHouseServer | undefined;
  beforeAll(async () => {
    server = await createClickHouseServer(binary);
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
    server?.remove();
  });
  return () => server!;
}
