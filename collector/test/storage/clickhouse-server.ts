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

/** A port nothing listens on at `host` (the OS picks one for 0), or the port given if it is free there. */
const freePort = (host = '127.0.0.1', port = 0) =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ports { http: number; tcp: number; interserver: number }

function configXml(dir: string, host: string, ports: Ports, extra: string): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>${host}</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>${host}</interserver_http_host>
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
${extra}
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.0/8</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/**
 * `host` is the loopback address the server listens on (a cluster's servers each get their own, as
 * on separate machines); `extra` is config XML added as it is (a cluster's remote_servers).
 */
export async function createClickHouseServer(
  binary: string,
  { host = '127.0.0.1', ports, extra = '' }: { host?: string; ports?: Ports; extra?: string } = {},
): Promise<ClickHouseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'openstory-clickhouse-'));
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub));
  const listen = ports ?? { http: await freePort(host), tcp: await freePort(host), interserver: await freePort(host) };
  writeFileSync(join(dir, 'config.xml'), configXml(dir, host, listen, extra));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const url = `http://${host}:${listen.http}`;
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

/** Tries at finding one HTTP port free on every host of a cluster before giving up. */
const PORT_ATTEMPTS = 20;

async function portFreeOnAll(hosts: string[]): Promise<number> {
  for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
    const port = await freePort(hosts[0]);
    const free = await Promise.all(hosts.slice(1).map((host) => freePort(host, port).then(() => true, () => false)));
    if (free.every(Boolean)) return port;
  }
  throw new Error(`no HTTP port free on all of ${hosts.join(', ')}`);
}

/**
 * One clickhouse-server per host (loopback addresses such as 127.0.0.1 and 127.0.0.2), every one
 * with the same remote_servers entry naming all of them as the shards of cluster `name`, one replica
 * each. They share the HTTP port, as a deployment's servers do (the collector reaches each on the
 * storage URL's port), and differ in their TCP ports: a server takes a shard whose host is one of
 * its machine's addresses and whose port is its own TCP port for itself, and every loopback
 * address is this machine's.
 */
export async function createClickHouseCluster(binary: string, name: string, hosts: string[]): Promise<ClickHouseServer[]> {
  const http = await portFreeOnAll(hosts);
  // TCP ports must differ between the servers (see above): every host's is one no other host has.
  const ports: Ports[] = [];
  for (const host of hosts) {
    let tcp = await freePort(host);
    while (ports.some((taken) => taken.tcp === tcp)) tcp = await freePort(host);
    ports.push({ http, tcp, interserver: await freePort(host) });
  }
  const shards = hosts.map((host, i) => `<shard><replica><host>${host}</host><port>${ports[i].tcp}</port></replica></shard>`).join('');
  const extra = `  <remote_servers><${name}>${shards}</${name}></remote_servers>`;
  return Promise.all(hosts.map((host, i) => createClickHouseServer(binary, { host, ports: ports[i], extra })));
}
