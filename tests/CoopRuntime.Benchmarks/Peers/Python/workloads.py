"""The `compare` workloads on CPython asyncio (or uvloop), one measured run per process.

Usage: python3 workloads.py [--uvloop] [--warmup N] WORKLOAD VARIANT ARGS...

Runs the workload N times unmeasured, then once measured, each time on a fresh event loop, checks that it did all of
its work, and prints one JSON line: {"workload", "variant", "wall_ms", "cpu_ms", "peak_rss_kib"[, "bytes_per_op"]}.
CPU time is the whole process's (time.process_time: user + system, every thread), as for the .NET rows.
"""
import asyncio
import gc
import json
import resource
import sys
import time
import tracemalloc


def check(expected, actual, what):
    if expected != actual:
        raise RuntimeError(f"{what}: expected {expected}, got {actual}. The workload did not do all of its work.")


# ───── 1. post chain: loop.call_soon, each callback scheduling the next ─────

async def post_chain(count):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    remaining = count

    def step():
        nonlocal remaining
        remaining -= 1
        if remaining > 0:
            loop.call_soon(step)
        else:
            done.set_result(remaining)

    loop.call_soon(step)
    check(0, await done, "asyncio post chain")


# ───── 2. tasks × yields, and 7. coroutine steps ─────

async def yield_many(yields):
    for _ in range(yields):
        await asyncio.sleep(0)  # asyncio's yield: resume on the loop's next iteration
    return yields


async def yield_all(tasks, yields):
    done = await asyncio.gather(*(yield_many(yields) for _ in range(tasks)))
    check(tasks * yields, sum(done), "asyncio yields")


# ───── 3. ping-pong through two asyncio.Queue(maxsize=1) ─────

async def ping_pong(round_trips):
    ping = asyncio.Queue(maxsize=1)
    pong = asyncio.Queue(maxsize=1)

    async def echo():
        echoed = 0
        while (message := await ping.get()) is not None:  # a queue has no completion: None ends the echo task
            await pong.put(message)
            echoed += 1
        return echoed

    echo_task = asyncio.create_task(echo())
    for i in range(round_trips):
        await ping.put(i)
        check(i, await pong.get(), "asyncio ping-pong reply")
    await ping.put(None)
    check(round_trips, await echo_task, "asyncio ping-pong")


# ───── 4. timers on the real clock ─────

def read_delays_seconds(path):
    # The file holds the .NET run's delays in microseconds, one a line.
    with open(path, encoding="ascii") as lines:
        return [int(line) / 1_000_000 for line in lines if line.strip()]


async def timers_call_later(delays):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    remaining = len(delays)

    def fire():
        nonlocal remaining
        remaining -= 1
        if remaining == 0:
            done.set_result(None)

    for delay in delays:
        loop.call_later(delay, fire)
    await done


async def timers_await_sleep(delays):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    remaining = len(delays)

    async def one(delay):
        nonlocal remaining
        await asyncio.sleep(delay)
        remaining -= 1
        if remaining == 0:
            done.set_result(None)

    # create_task keeps only a weak reference in asyncio's own bookkeeping; the list keeps the tasks alive.
    tasks = [asyncio.create_task(one(delay)) for delay in delays]
    await done
    check(0, remaining, "asyncio awaited timers")
    del tasks


# ───── 5. many spawned waiters on one event ─────

async def waiters(count, on_parked=None):
    event = asyncio.Event()
    started = 0
    finished = 0

    async def waiter():
        nonlocal started, finished
        started += 1
        await event.wait()
        finished += 1

    tasks = [asyncio.create_task(waiter()) for _ in range(count)]
    # Tasks take their first step on the next iteration, in order, before this coroutine resumes.
    await asyncio.sleep(0)
    check(count, started, "asyncio waiters parked")
    if on_parked is not None:
        on_parked()
    event.set()
    for task in tasks:
        await task
    check(count, finished, "asyncio waiters finished")


def waiter_bytes_per_task(new_loop, count):
    """Python's counterpart of the .NET "spawn→parked" bytes: memory traced from the first create_task until every
    task waits, in a separate unmeasured run (tracemalloc slows everything down)."""
    parked = []
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    run_on_fresh_loop(new_loop, lambda: waiters(count, lambda: parked.append(tracemalloc.get_traced_memory()[0])))
    tracemalloc.stop()
    return (parked[0] - before) / count


# ───── the runner ─────

def workload(name, variant, args):
    delays = read_delays_seconds(args[0]) if name == "timers" else None
    table = {
        ("post-chain", "call-soon"): lambda: post_chain(int(args[0])),
        ("yields", "sleep0"): lambda: yield_all(int(args[0]), int(args[1])),
        ("ping-pong", "queue"): lambda: ping_pong(int(args[0])),
        ("timers", "call-later"): lambda: timers_call_later(delays),
        ("timers", "await-sleep"): lambda: timers_await_sleep(delays),
        ("waiters", "create-task-event-wait"): lambda: waiters(int(args[0])),
    }
    if (name, variant) not in table:
        raise SystemExit(f"Unknown workload/variant '{name}/{variant}'.")
    return table[(name, variant)]


def peak_rss_kib():
    # VmHWM, not getrusage: Linux keeps ru_maxrss across execve, so a child of the .NET process would report the
    # .NET process's peak. VmHWM belongs to this process's own address space.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_on_fresh_loop(new_loop, make_coroutine):
    loop = new_loop()
    try:
        loop.run_until_complete(make_coroutine())
    finally:
        loop.close()


def main(argv):
    new_loop = asyncio.new_event_loop
    if "--uvloop" in argv:
        import uvloop  # the caller checks that it imports and skips this peer otherwise
        new_loop = uvloop.new_event_loop
        argv = [arg for arg in argv if arg != "--uvloop"]
    warmups = 1
    if "--warmup" in argv:
        at = argv.index("--warmup")
        warmups = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    name, variant, *args = argv
    make_coroutine = workload(name, variant, args)

    for _ in range(warmups):
        run_on_fresh_loop(new_loop, make_coroutine)
    gc.collect()  # start from a collected heap, as the .NET runs do
    cpu_before = time.process_time()
    started = time.perf_counter()
    run_on_fresh_loop(new_loop, make_coroutine)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    result = {
        "workload": name,
        "variant": variant,
        "wall_ms": wall * 1000,
        "cpu_ms": cpu * 1000,
        "peak_rss_kib": peak_rss_kib(),
    }
    if name == "waiters":
        result["bytes_per_op"] = waiter_bytes_per_task(new_loop, int(args[0]))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
