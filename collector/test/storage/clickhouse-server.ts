import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway clickhouse-server for tests: its own config, free loopback ports and a temporary data
 * directory, started with `start()` and stopped (then its directory removed) with `stop()`.
 */
export interface ClickHouseServer {
  /** http://127.0.0.1:<port>, the HTTP interface @clickhouse/client talks to. */
  url: string;
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL past STOP_DEADLINE_MS; `kill` sends SIGKILL at once (a crash). */
  stop(options?: { kill?: boolean }): Promise<void>;
  remove(): void;
}

/** Where Debian's clickhouse-server package puts the binary (apt-get install clickhouse-server). */
const BINARY_PATHS = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'];
/** A cold start of 18.16 on a shared 2-core runner takes a few seconds; past this it is broken. */
const START_DEADLINE_MS = 60_000;
/** After SIGTERM the server finishes queries and flushes logs; past this it is killed. */
const STOP_DEADLINE_MS = 15_000;
const POLL_MS = 50;

export const clickhouseBinary = (): string | undefined => BINARY_PATHS.find((path) => existsSync(path));

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function configXml(dir: string, ports: { http: number; tcp: number; interserver: number }): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>64</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <uncompressed_cache_size>8589934592</uncompressed_cache_size>
  <mark_cache_size>67108864</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

export async function createClickHouseServer(binary: string): Promise<ClickHouseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'openstory-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub));
  const ports = { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
  writeFileSync(join(dir, 'config.xml'), configXml(dir, ports));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const url = `http://127.0.0.1:${ports.http}`;
  let child: ChildProcess | undefined;

  const ping = async () => {
    try {
      return (await (await fetch(`${url}/ping`)).text()).trim() === 'Ok.';
    } catch {
      return false;
    }
  };

  return {
    url,
    async start() {
      const started = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore' });
      child = started;
      let exited: number | null | undefined;
      started.once('exit', (code) => (exited = code));
      const deadline = Date.now() + START_DEADLINE_MS;
      while (!(await ping())) {
        if (exited !== undefined) throw new Error(`clickhouse-server exited with ${exited}: see ${dir}/server.err.log`);
        if (Date.now() > deadline) throw new Error(`clickhouse-server did not answer /ping within ${START_DEADLINE_MS} ms`);
        await pause(POLL_MS);
      }
    },
    async stop(options = {}) {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exit = new Promise((resolve) => running.once('exit', resolve));
      running.kill(options.kill ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), STOP_DEADLINE_MS);
      await exit;
      clearTimeout(timer);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
