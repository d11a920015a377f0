"""The renderer's child processes: a ``helm template`` run per chart, and one helm-python-sdk worker
that renders chart after chart.

Every child runs in its own process group, under ``RLIMIT_AS``, with empty Helm folders and a wall-clock
limit per chart; on timeout the whole group is killed. The SDK worker (``helm_worker``) is kept for the
process because starting it costs about 80 ms of CPU (an interpreter, the SDK's Go library and runtime)
and rendering a chart about 5 ms. A worker that runs over a chart's limit or crashes (a chart that
exhausts the memory limit) or answers an error is retired, and the next chart gets a fresh one; a chart
that fails in a worker that had rendered other charts is rendered once more in a fresh worker, so that
every chart's answer is the one it gets alone. Workers are closed (and waited for) when the interpreter exits.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_OUTPUT = 64 << 20


@dataclass(frozen=True)
class Answer:
    stdout: str = ""
    error: str | None = None
    seconds: float = 0.0


def run(command: list[str], stdin: bytes, work: Path, timeout: float, memory: int) -> Answer:
    """One child that reads ``stdin`` and answers on its stdout (``helm template``)."""
    started = time.perf_counter()
    try:
        process = _start(command, work, memory, subprocess.PIPE)
    except OSError as exc:
        return Answer(error=f"the renderer could not start: {exc.strerror or exc}")
    try:
        out, err = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return Answer(error=_timed_out(timeout), seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    if len(out) > MAX_OUTPUT:
        return Answer(error=_too_large(), seconds=seconds)
    if process.returncode != 0:
        return Answer(error=_failure(process.returncode, err, memory), seconds=seconds)
    return Answer(out.decode("utf-8", errors="replace"), None, seconds)


def ask(command: list[str], request: dict[str, Any], timeout: float, memory: int) -> Answer:
    """The SDK worker's answer line to ``request`` (its stdout holds that one line)."""
    key = (tuple(command), memory)
    with _LOCK:
        worker = _WORKERS.pop(key, None)
        if worker is not None:
            answer = worker.ask(request, timeout)
            if _rendered(answer):
                return _keep(key, worker, answer)
            _retire(worker)  # a failure in a used worker may be the earlier charts' doing: ask again alone
        try:
            worker = _Worker(command, memory)
        except OSError as exc:
            return Answer(error=f"the renderer could not start: {exc.strerror or exc}")
        answer = worker.ask(request, timeout)
        if not _rendered(answer):
            _retire(worker)
            return answer
        return _keep(key, worker, answer)


def _rendered(answer: Answer) -> bool:
    """The worker rendered the chart. After any failure (an error it caught, MemoryError among them) it is
    not asked again: the Go runtime inside may still hold the memory that failed the chart."""
    return answer.error is None and answer.stdout.startswith('{"ok": true')


def _retire(worker: _Worker) -> None:
    if worker.alive:
        worker.close(kill=True)


def _keep(key: tuple[tuple[str, ...], int], worker: _Worker, answer: Answer) -> Answer:
    if worker.alive:
        _WORKERS[key] = worker
    return answer


class _Worker:
    def __init__(self, command: list[str], memory: int) -> None:
        self.memory = memory
        self.work = Path(tempfile.mkdtemp(prefix="exitplan-helm-sdk-"))
        self.errors = (self.work / "stderr").open("a+b")  # appended to by the worker, read after a crash
        try:
            self.process = _start(command, self.work, memory, self.errors)
        except OSError:
            self.close()
            raise
        self.alive = True

    def ask(self, request: dict[str, Any], timeout: float) -> Answer:
        started = time.perf_counter()
        error_start = self.errors.tell()
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            pass  # the worker is gone; its exit status says why
        line, problem = self._line(started + timeout)
        seconds = time.perf_counter() - started
        if problem is not None:
            self.close(kill=True)
            return Answer(error=problem(timeout), seconds=seconds)
        if line is None:
            code = self._exit_code(started + timeout)
            self.errors.seek(error_start)
            err = self.errors.read()
            self.close()
            return Answer(error=_failure(code, err, self.memory), seconds=seconds)
        return Answer(line.decode("utf-8", errors="replace"), None, seconds)

    def _line(self, deadline: float) -> tuple[bytes | None, Any]:
        """The next line on the worker's stdout; None at its end; or what went wrong (a message maker)."""
        chunks: list[bytes] = []
        size = 0
        out = self.process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(out, selectors.EVENT_READ)
            while True:
                left = deadline - time.perf_counter()
                if left <= 0 or not selector.select(left):
                    return None, _timed_out
                data = os.read(out, 1 << 16)
                if not data:
                    return None, None
                chunks.append(data)
                size += len(data)
                if data.endswith(b"\n"):  # one answer a line, nothing after it
                    return b"".join(chunks), None
                if size > MAX_OUTPUT:
                    return None, lambda _: _too_large()

    def _exit_code(self, deadline: float) -> int:
        try:
            return self.process.wait(max(deadline - time.perf_counter(), 0.1))
        except subprocess.TimeoutExpired:
            _kill(self.process)
            return self.process.wait()

    def close(self, kill: bool = False) -> None:
        self.alive = False
        process = getattr(self, "process", None)
        if process is not None and kill:
            _kill(process)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.stdin.close()  # the worker ends at the end of its input
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                _kill(process)
                process.wait()
        if process is not None:
            for stream in (process.stdin, process.stdout):
                with contextlib.suppress(OSError):
                    stream.close()
        self.errors.close()
        shutil.rmtree(self.work, ignore_errors=True)


_WORKERS: dict[tuple[tuple[str, ...], int], _Worker] = {}  # one per interpreter and memory limit
_LOCK = threading.Lock()


@atexit.register
def _close_workers() -> None:
    with _LOCK:
        while _WORKERS:
            _WORKERS.popitem()[1].close()


def _start(command: list[str], work: Path, memory: int, stderr: Any) -> subprocess.Popen:
    def limits() -> None:  # runs in the child before exec
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        cwd=work,
        env=helm_env(work),
        preexec_fn=limits,  # noqa: PLW1509 - no threads hold locks the child needs before exec
        start_new_session=True,
    )


def helm_env(work: Path) -> dict[str, str]:
    """No user settings, no repositories, no proxies: empty Helm folders inside the temporary folder."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "LANG": "C.UTF-8"}
    for name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        env[name] = str(work / name.lower())
    env["HELM_REPOSITORY_CONFIG"] = str(work / "repositories.yaml")
    env["HELM_REGISTRY_CONFIG"] = str(work / "registry.json")
    env["GOMAXPROCS"] = "2"
    # glibc reserves 64 MB of address space per thread arena; under RLIMIT_AS a busy machine's extra Go
    # threads made a fresh worker fail to allocate 4 MB at start-up ("cannot allocate", 3 MB in use)
    env["MALLOC_ARENA_MAX"] = "2"
    return env


def _kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)  # the child's own group, started for it alone
    process.communicate()


def _timed_out(timeout: float) -> str:
    return f"rendering took longer than {timeout:g} s and was stopped"


def _too_large() -> str:
    return f"rendered output larger than {MAX_OUTPUT >> 20} MB"


def _failure(code: int, err: bytes, memory: int) -> str:
    tail = " ".join(err.decode(errors="replace").split())
    if "out of memory" in tail or code < 0 or "cannot allocate" in tail:
        return f"the renderer ran out of its {memory >> 20} MB memory limit or crashed"
    return tail.removeprefix("Error: ")[:600] or f"the renderer exited with {code}"
