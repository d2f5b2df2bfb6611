import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc times are in hundredths of a second. */
const TICKS_PER_SECOND = 100;

/** CPU seconds used so far, where it can be read (Linux /proc); undefined elsewhere. */
export interface CpuReading {
  readonly at: number;
  /** Busy seconds of the whole machine (all cores). */
  readonly machine: number | undefined;
  /** This process: the simulator and the load generator. */
  readonly bench: number;
  /** The target's server process. */
  readonly server: number | undefined;
  /** The RabbitMQ broker (beam.smp), which other users of this machine may share. */
  readonly broker: number | undefined;
}

/** Busy share of one core, in percent, of each part between two readings. */
export interface CpuShares {
  readonly machine: number | undefined;
  readonly bench: number;
  readonly server: number | undefined;
  readonly broker: number | undefined;
}

/** Now, with the server's CPU seconds as it reported them. */
export function readCpu(server: number | undefined): CpuReading {
  const usage = process.cpuUsage();
  return {
    at: Date.now(),
    machine: machineBusySeconds(),
    bench: (usage.user + usage.system) / 1e6,
    server,
    broker: brokerPid === undefined ? undefined : processSeconds(brokerPid),
  };
}

export function cpuShares(from: CpuReading, to: CpuReading): CpuShares {
  const seconds = (to.at - from.at) / 1000;
  const share = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined || b === undefined || seconds <= 0 ? undefined : ((b - a) / seconds) * 100;
  return {
    machine: share(from.machine, to.machine),
    bench: share(from.bench, to.bench) ?? 0,
    server: share(from.server, to.server),
    broker: share(from.broker, to.broker),
  };
}

/** utime + stime of a process, in seconds. */
export function processSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from the third: state, ppid, ... utime is the 14th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

function machineBusySeconds(): number | undefined {
  try {
    const [, ...times] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest times are already in user and nice)
    const busy = times.slice(0, 8).reduce((a, b) => a + b, 0) - (times[3] ?? 0) - (times[4] ?? 0);
    return busy / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

const brokerPid = ((): number | undefined => {
  try {
    const pid = Number(execFileSync('pgrep', ['-o', '-x', 'beam.smp'], { encoding: 'utf8' }).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
})();
