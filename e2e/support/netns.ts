/**
 * A caller on another host, made on this machine: a network namespace joined to the host by a veth pair, with an
 * address on each end. A request sent from inside the namespace reaches a server listening on the host end from a
 * non-loopback socket address — what a neighbour on the network would look like, without any traffic leaving the
 * machine (the pair is a private link; nothing is routed). Needs root and iproute2.
 *
 * Addresses come from TEST-NET-2 (198.51.100.0/24, documentation only, never routed); a /30 per process so two
 * runs side by side do not collide. TEST-NET-1 (192.0.2.0/24) is avoided: a machine's own network may use it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestNetwork {
  /** The address of the host's end (a server listens here). */
  hostAddress: string;
  /** The address requests from inside the namespace come from. */
  callerAddress: string;
  /** Runs a command inside the namespace. */
  exec(command: string, args: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string }>;
  /** Deletes the namespace and with it both ends of the pair. */
  remove(): Promise<void>;
}

/** Why a test network cannot be made here (not root, no `ip`), or null when it can. */
export async function testNetworkUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    await run('ip', ['netns', 'list'], { timeout: 5000 });
    return null;
  } catch (error) {
    return `ip netns is not usable: ${(error as Error).message}`;
  }
}

export async function createTestNetwork(): Promise<TestNetwork> {
  const id = process.pid % 10_000;
  const namespace = `e2e-caller-${id}`;
  const hostEnd = `e2eh${id}`;
  const callerEnd = `e2ec${id}`;
  const block = (process.pid % 64) * 4;
  const hostAddress = `198.51.100.${block + 1}`;
  const callerAddress = `198.51.100.${block + 2}`;
  const ip = (...args: string[]) => run('ip', args, { timeout: 10_000 });

  // A namespace left by a crashed run of this pid would make `netns add` fail: remove it first.
  await ip('netns', 'del', namespace).catch(() => undefined);
  await ip('netns', 'add', namespace);
  const remove = async () => {
    // Deleting the namespace destroys the namespace's end, and a veth end never outlives its peer.
    await ip('netns', 'del', namespace).catch(() => undefined);
    await ip('link', 'del', hostEnd).catch(() => undefined);
  };
  try {
    await ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', callerEnd);
    await ip('link', 'set', callerEnd, 'netns', namespace);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
    await ip('link', 'set', hostEnd, 'up');
    await ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${callerAddress}/30`, 'dev', callerEnd);
    await ip('netns', 'exec', namespace, 'ip', 'link', 'set', callerEnd, 'up');
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    hostAddress,
    callerAddress,
    exec: (command, args, timeoutMs = 30_000) => run('ip', ['netns', 'exec', namespace, command, ...args], { timeout: timeoutMs }),
    remove,
  };
}
