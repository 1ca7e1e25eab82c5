'use strict';
// The `compare` workloads on Node.js, one measured run per process (a fresh event loop can only be had in a fresh
// process). Usage:
//   node --expose-gc workloads.js WORKLOAD VARIANT --warmup N ARGS...
// Runs the workload N times unmeasured (JIT), then once measured, checks that it did all of its work, and prints one
// JSON line: {"workload", "variant", "wall_ms", "cpu_ms", "peak_rss_kib"[, "bytes_per_op"]}. CPU time is the whole
// process's (user + system, every thread: V8's GC helpers and libuv's pool included), as for the .NET rows.
const fs = require('fs');
const { setTimeout: sleep } = require('timers/promises');

function check(expected, actual, what) {
  if (expected !== actual) {
    throw new Error(`${what}: expected ${expected}, got ${actual}. The workload did not do all of its work.`);
  }
}

// ───── 1. post chain: each callback schedules the next ─────

// setImmediate runs in the loop's check phase: one callback per loop turn, I/O polled in between (CallSoon's rule).
function postChainSetImmediate(count) {
  return new Promise((resolve) => {
    let remaining = count;
    const step = () => (--remaining > 0 ? setImmediate(step) : resolve(remaining));
    setImmediate(step);
  });
}

// Microtasks drain to the end before the loop may poll I/O again: cheaper, but not a loop turn (a busy chain starves I/O).
function postChainMicrotask(count) {
  return new Promise((resolve) => {
    let remaining = count;
    const step = () => (--remaining > 0 ? queueMicrotask(step) : resolve(remaining));
    queueMicrotask(step);
  });
}

// ───── 2. tasks × yields (and 7. coroutine steps) ─────

// The equivalent of `await EventLoop.Yield()` / `await asyncio.sleep(0)`: resume on the next loop turn.
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

async function yieldManySetImmediate(yields) {
  for (let i = 0; i < yields; i++) {
    await nextTurn();
  }
  return yields;
}

// `await null` only goes through the microtask queue: no loop turn, so it is not what the .NET and asyncio rows do.
async function yieldManyAwaitNull(yields) {
  for (let i = 0; i < yields; i++) {
    await null;
  }
  return yields;
}

async function yieldAll(tasks, yields, body) {
  const all = new Array(tasks);
  for (let i = 0; i < tasks; i++) {
    all[i] = body(yields);
  }
  const done = await Promise.all(all);
  check(tasks * yields, done.reduce((a, b) => a + b, 0), 'Node.js yields');
}

// ───── 3. ping-pong through two bounded(1) channels ─────

// A tiny promise-based channel with room for one item, the smallest honest counterpart of a bounded(1) channel or
// asyncio.Queue(maxsize=1): a writer waits while the slot is full, a reader waits while it is empty.
class BoundedOneChannel {
  constructor() {
    this.full = false;
    this.item = undefined;
    this.waitingReader = null;
    this.waitingWriters = [];
  }

  async write(item) {
    while (this.full) {
      await new Promise((resolve) => this.waitingWriters.push(resolve));
    }
    if (this.waitingReader !== null) {
      const reader = this.waitingReader;
      this.waitingReader = null;
      reader(item);
      return;
    }
    this.full = true;
    this.item = item;
  }

  read() {
    if (this.full) {
      const item = this.item;
      this.full = false;
      this.item = undefined;
      const writer = this.waitingWriters.shift();
      if (writer !== undefined) {
        writer();
      }
      return Promise.resolve(item);
    }
    return new Promise((resolve) => {
      this.waitingReader = resolve;
    });
  }
}

async function pingPong(roundTrips) {
  const ping = new BoundedOneChannel();
  const pong = new BoundedOneChannel();
  const echo = (async () => {
    let echoed = 0;
    for (;;) {
      const message = await ping.read();
      if (message < 0) {
        return echoed;
      }
      await pong.write(message);
      echoed++;
    }
  })();
  for (let i = 0; i < roundTrips; i++) {
    await ping.write(i);
    check(i, await pong.read(), 'Node.js ping-pong reply');
  }
  await ping.write(-1); // the channel has no completion, so a negative message ends the echo task
  check(roundTrips, await echo, 'Node.js ping-pong');
}

// ───── 4. timers on the real clock ─────

function readDelaysMs(file) {
  // The file holds the .NET run's delays in microseconds, one a line; Node.js timers have 1 ms resolution.
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => Number(line) / 1000);
}

function timersSetTimeout(delays) {
  return new Promise((resolve) => {
    let remaining = delays.length;
    const fire = () => {
      if (--remaining === 0) {
        resolve();
      }
    };
    for (const delay of delays) {
      setTimeout(fire, delay);
    }
  });
}

async function timersAwaitSleep(delays) {
  let fired = 0;
  const one = async (delay) => {
    await sleep(delay);
    fired++;
  };
  await Promise.all(delays.map(one));
  check(delays.length, fired, 'Node.js awaited timers');
}

// ───── 5. many waiters on one event ─────

// Calling an async function is Node's spawn: it runs to its first await and parks on the shared promise.
async function waiters(count, measureBytes) {
  let release;
  const gate = new Promise((resolve) => {
    release = resolve;
  });
  let started = 0;
  let finished = 0;
  const waiter = async () => {
    started++;
    await gate;
    finished++;
  };
  if (measureBytes && global.gc) {
    global.gc();
  }
  const before = process.memoryUsage().heapUsed;
  const all = new Array(count);
  for (let i = 0; i < count; i++) {
    all[i] = waiter();
  }
  const parked = process.memoryUsage().heapUsed;
  check(count, started, 'Node.js waiters parked');
  release();
  await Promise.all(all);
  check(count, finished, 'Node.js waiters finished');
  return (parked - before) / count;
}

// ───── the runner ─────

// VmHWM, not resourceUsage().maxRSS: Linux keeps ru_maxrss across execve, so a child of the .NET process would report
// the .NET process's peak. VmHWM belongs to this process's own address space.
function peakRssKib() {
  try {
    const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    if (line) {
      return Number.parseInt(line.split(/\s+/)[1], 10);
    }
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS;
}

function workload(name, variant, args) {
  const int = (i) => Number.parseInt(args[i], 10);
  const delays = name === 'timers' ? readDelaysMs(args[0]) : [];
  const table = {
    'post-chain': {
      setimmediate: () => postChainSetImmediate(int(0)),
      microtask: () => postChainMicrotask(int(0)),
    },
    yields: {
      setimmediate: () => yieldAll(int(0), int(1), yieldManySetImmediate),
      'await-null': () => yieldAll(int(0), int(1), yieldManyAwaitNull),
    },
    'ping-pong': { 'promise-channel': () => pingPong(int(0)) },
    timers: {
      settimeout: () => timersSetTimeout(delays),
      'await-sleep': () => timersAwaitSleep(delays),
    },
    waiters: { 'await-shared-promise': (measured) => waiters(int(0), measured) },
  };
  const run = table[name] && table[name][variant];
  if (!run) {
    throw new Error(`Unknown workload/variant '${name}/${variant}'.`);
  }
  return run;
}

async function main() {
  const argv = process.argv.slice(2);
  const warmupAt = argv.indexOf('--warmup');
  const warmups = warmupAt >= 0 ? Number.parseInt(argv[warmupAt + 1], 10) : 1;
  const positional = argv.filter((_, i) => warmupAt < 0 || (i !== warmupAt && i !== warmupAt + 1));
  const [name, variant, ...args] = positional;
  const run = workload(name, variant, args);
  for (let i = 0; i < warmups; i++) {
    await run(false);
  }
  if (global.gc) {
    global.gc(); // start from a collected heap, as the .NET runs do
  }
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const bytesPerOp = await run(true);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const result = {
    workload: name,
    variant,
    wall_ms: wallMs,
    cpu_ms: (cpu.user + cpu.system) / 1000,
    peak_rss_kib: peakRssKib(),
  };
  if (typeof bytesPerOp === 'number' && name === 'waiters') {
    result.bytes_per_op = bytesPerOp;
  }
  console.log(JSON.stringify(result));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : error);
  process.exit(1);
});
