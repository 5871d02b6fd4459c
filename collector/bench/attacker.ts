/**
 * The attacker of `collector.ts --attack`: while legitimate clients post, it sends, from a few
 * addresses of its own (X-Forwarded-For; the CLI runs with --trust-proxy), the three cheap
 * requests of issue 14 in a loop: a bundle nested 100,000 deep outside `data` (poison for a group
 * commit), a gzip bomb (64 MiB of zeros), and a valid bundle inflating to ~15 MiB at ~40x.
 * It runs in a process of its own (`fork` with the collector's URL as argument), so its CPU work
 * does not delay the legitimate clients' timers in the benchmark's process: it attacks until the
 * parent sends 'stop', then sends its AttackResult back.
 */
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Concurrent attacking connections and the addresses they rotate through. */
const ATTACK_CONNECTIONS = 16;
const ATTACK_ADDRESSES = 4;

function attackBodies(now: number): Buffer[] {
  const poison = gzipSync(`{"v":1,"orgId":"o-demo","userId":"u-evil","sessionId":"s-1","pageId":"p-evil","seq":1,"sentAt":${now},
    "events":[{"type":3,"timestamp":${now},"data":{},"extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  // Runs of one letter broken by random bytes: ~40x, under the ratio cap, just under 16 MiB inflated.
  const chunks: string[] = [];
  for (let size = 0; size < 15 * 1024 * 1024; size += 616) chunks.push(randomBytes(8).toString('hex') + 'a'.repeat(600));
  const inflating = gzipSync(JSON.stringify({ v: 1, orgId: 'o-demo', userId: 'u-evil', sessionId: 's-2', pageId: 'p-evil-2', seq: 1, sentAt: now,
    events: [{ type: 5, timestamp: now, data: { tag: 'x', payload: chunks.join('') } }] }));
  return [poison, bomb, inflating];
}

export interface AttackResult {
  sent: number;
  wireBytes: number;
  statuses: Record<number, number>;
}

/** Attacks until `stop()` says so. */
export async function attack(url: string, stop: () => boolean): Promise<AttackResult> {
  const bodies = attackBodies(Date.now());
  const result: AttackResult = { sent: 0, wireBytes: 0, statuses: {} };
  await Promise.all(
    Array.from({ length: ATTACK_CONNECTIONS }, async (_, connection) => {
      for (let round = 0; !stop(); round++) {
        const body = bodies[(connection + round) % bodies.length];
        const address = `192.0.2.${1 + ((connection + round) % ATTACK_ADDRESSES)}`;
        try {
          const response = await fetch(`${url}/rec/bundle?v=1&enc=gzip`, { method: 'POST', headers: { 'x-forwarded-for': address }, body: new Uint8Array(body) });
          await response.arrayBuffer();
          result.statuses[response.status] = (result.statuses[response.status] ?? 0) + 1;
        } catch {
          result.statuses[0] = (result.statuses[0] ?? 0) + 1;
        }
        result.sent++;
        result.wireBytes += body.length;
      }
    }),
  );
  return result;
}

if (process.send && process.argv[2]) {
  let stopping = false;
  process.on('message', () => (stopping = true));
  const result = await attack(process.argv[2], () => stopping);
  process.send(result, () => process.exit(0));
}
