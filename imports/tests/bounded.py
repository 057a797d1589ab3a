"""Run a function in a forked child with a memory and a CPU budget (hostile input must stay cheap).

The child inherits the loaded code (no start-up cost) and gets RLIMIT_AS set to what it already
uses plus ``memory_mb``, and RLIMIT_CPU to ``seconds``: a reader that explodes fails its test with
MemoryError or is killed, instead of taking the machine down. The child shares the parent's
database connection: what it runs must not query (warm caches in the parent first).
"""

import contextlib
import multiprocessing
import resource
import traceback


def _address_space():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(connection, function, args, memory_mb, seconds):
    limit = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        connection.send(("ok", function(*args)))
    except BaseException as exc:  # noqa: BLE001 (everything goes back to the test)
        connection.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))


def run_bounded(function, *args, memory_mb=200, seconds=10):
    """``function(*args)`` in a child within the budget; its result, or AssertionError saying why not."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, function, args, memory_mb, seconds))
    process.start()
    child.close()
    answer = None
    if parent.poll(seconds * 3 + 10):
        with contextlib.suppress(EOFError):  # killed before answering
            answer = parent.recv()
    process.join(5)
    if process.is_alive():
        process.kill()
    if answer is None:
        raise AssertionError(f"over budget: killed (exit code {process.exitcode}) within {seconds} s of CPU")
    status, value = answer
    if status == "error":
        raise AssertionError(f"failed within a budget of {memory_mb} MB and {seconds} s:\n{value}")
    return value
