"""The servers the bench needs: a throwaway PostgreSQL and gunicorn, always stopped afterwards."""

import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from gunicorn import config as gunicorn_config

from . import ROOT


def setup_django():
    """In a bench part's own process (``--internal``): Django, in the environment it was given."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    django.setup()


def internal(module, env, *args):
    """What ``python -m <module> --internal <args>`` printed last (one line of JSON), run with the
    bench's environment ``env``: the parts of a figure that need Django run in their own process."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--internal", *map(str, args)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"{module} {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def environment(database_url, static_root, port):
    """The production configuration, as a deployment would set it."""
    env = dict(
        os.environ,
        DEBUG="off",
        SECRET_KEY="bench",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        SITE_URL=f"http://127.0.0.1:{port}",
        # The concurrent proposals all come from 127.0.0.1; people would come from many addresses.
        PROPOSAL_RATE_LIMIT="100000",
        # Measured over plain HTTP on the loopback: a deployment's TLS ends before the app.
        SECURE_SSL_REDIRECT="off",
    )
    env.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    return env


def miss_path(env):
    """env for a server whose public page cache stores nothing (no shared cache, no process memory):
    every request renders its page, compresses it and offers it to the cache, as after a change."""
    return dict(env, PAGE_CACHE_URL="dummycache://", PAGE_CACHE_MEMORY_BYTES="0")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin():
    """The newest installed PostgreSQL server's bin folder, or None."""

    def version(path):  # /usr/lib/postgresql/<version>/bin/initdb, versions like 9.6 or 15
        return [int(part) for part in path.split("/")[4].split(".") if part.isdigit()]

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    return os.path.dirname(found[-1]) if found else None


@contextlib.contextmanager
def postgres():
    """A throwaway PostgreSQL cluster on 127.0.0.1 in a temp dir; yields its DATABASE_URL."""
    pgbin = postgres_bin()
    datadir = tempfile.mkdtemp(prefix="maillage-bench-pg-")
    # The server refuses to run as root: as root, run the cluster as the `postgres` user.
    as_owner = []
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    pg_ctl = [*as_owner, f"{pgbin}/pg_ctl", "-D", datadir]
    started = False
    try:
        subprocess.run(
            [*as_owner, f"{pgbin}/initdb", "-D", datadir, "-A", "trust", "-U", "postgres"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # fsync off: the data is disposable and loading it is the slow part.
        options = f"-p {port} -k {datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*pg_ctl, "-l", f"{datadir}/server.log", "-w", "-o", options, "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        subprocess.run(
            [f"{pgbin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "maillage"], check=True
        )
        yield f"postgres://postgres@127.0.0.1:{port}/maillage"
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "fast", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(datadir, ignore_errors=True)


def stop(process, timeout=10):
    """Stop a process we started (SIGTERM, then SIGKILL)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def gunicorn(env, port, log_path, app="maillage.wsgi:application", workers=1):
    """gunicorn with sync workers, one by default (so the worker's memory is one process's); yields
    the master Popen."""
    # A generous timeout: a slow page should be measured as slow, not killed into a 502.
    options = f"--bind 127.0.0.1:{port} --workers {workers} --timeout 300 --log-level warning".split()
    if any(setting.name == "control_socket_disable" for setting in gunicorn_config.KNOWN_SETTINGS):
        # Recent gunicorns open a control socket at one fixed path per user: it would clash with any
        # other gunicorn running, such as a developer's.
        options.append("--no-control-socket")
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after the server
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, *options], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/healthz", process, log_path)
        yield process
    finally:
        stop(process)
        log.close()


def wait_healthy(url, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout}s; see {log_path}")


def worker_pid(master_pid):
    """The gunicorn worker: the master's child process."""
    pids = worker_pids(master_pid)
    if not pids:
        raise RuntimeError("no gunicorn worker process found")
    return pids[0]


def worker_pids(master_pid):
    """The gunicorn workers: the master's child processes, in pid order."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    # The process name may hold spaces: the parent pid follows its closing parenthesis.
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == master_pid:
                pids.append(int(entry))
    return sorted(pids)


def memory_kb(pid):
    """{'VmRSS': kB, 'VmHWM': kB, ...} from /proc/<pid>/status."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key.startswith("Vm"):
                values[key] = int(rest.split()[0])
    return values


def reset_peak(pid):
    """Reset the process's peak resident size (VmHWM), so a later VmHWM is the peak since now.
    Returns False where the kernel does not allow it."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False
