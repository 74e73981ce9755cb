"""Running one submission's harness in a bubblewrap sandbox.

What the sandboxed process sees and may do:

- the system folders (/usr, /etc, /lib…) and the Python environment read-only,
  a private /dev and a size-limited private /tmp; nothing else of the disk (no
  home, no /work, no /var);
- JOB: the grader's folder for this run (notebook, harness, hidden inputs),
  read-only; WORK: its only writable place, a tmpfs of `Limits.disk_mb`, so
  a run writes nothing to the instructor's disk and fills at most that much
  memory. A run never sees another run's folders, not even its host paths;
- the course root, the `autograder` package (hidden references) and the repository
  holding it, the gradebook, the output folder and the submissions folder are
  not bound, or covered by empty tmpfs mounts where they lie inside a folder
  in view; only the Python environment and the student-facing `course` package
  are bound back, read-only. For an assignment that loads earlier notebooks, the
  reference modules that course.notebook_import falls back on
  (autograder.grading.grade.reference_files: never the graded assignment's own
  checks) are copies in JOB/lib, on its PYTHONPATH;
- no network, no other processes (`--unshare-all`, its own pid namespace), a
  fresh session, killed with the grader (`--die-with-parent`), an empty
  environment;
- limits: wall time for the whole notebook (the process group is killed),
  address space (RLIMIT_AS, so a memory bomb gets MemoryError), file size,
  no core files, and a number of tasks, threads included: a pids cgroup of its
  own where one can be made (`pids.max`), else RLIMIT_NPROC (which counts per
  user and is not enforced for root: as root each concurrent sandbox runs as
  its own unprivileged uid, 60000 + a slot that no other grader on the machine
  holds (lease_slots), via setpriv, when the Python tree is readable by others),
  and always a watchdog that counts threads.

Where bwrap cannot run (a container that refuses user namespaces, such as Gradescope's),
SETPRIV stands in for it: no namespaces, so the whole disk is in view as it is to any
unprivileged user, but the harness runs as root's dedicated uid for the slot, under the same
limits and watchdog, in a work folder of its own; the grader's private files must then be
unreadable to others (autograder.grading.gradescope checks that before it grades).

What comes back is data only: the harness writes its results as one stream of
records to a pipe (read here into memory, up to `Limits.results_mb`), its audit
notes to a second pipe and its stderr to a third, of which the last 2000
characters are kept. Nothing the sandbox wrote is opened, walked or copied by the
grader; the helpers are started by absolute paths from the system folders.
"""

import fcntl
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cgroup, stream
from ..course_root import CourseError
from ..checks.fallback import PROVIDER
from .job import AUDIT_TAG, LIB

MISSING = ("bubblewrap (bwrap) is not installed — `sudo apt-get install bubblewrap`, "
           "or pass --no-sandbox to grade without one (unsafe)")
UNSAFE = ("warning: --no-sandbox: student code runs with your rights, "
          "it can read the gradebook and source/ and write anywhere you can")
BASE_UID = 60000
UID_SLOTS = 1000          # the dedicated uids are BASE_UID .. BASE_UID + UID_SLOTS - 1
SLOT_LOCKS = Path("/run/cnn-course/uid-slots")
BWRAP, SETPRIV = "bwrap", "setpriv"
# where the sandbox sees its job folder and its writable area: paths of their own, so that
# they never cover a folder it needs (a repository in /work, say)
JOB, WORK = "/cnn-sandbox/job", "/cnn-sandbox/work"
# the helpers come from the system folders only: never from PATH, whose first entry is
# often a virtual environment's bin/
SYSTEM_PATH = ("/usr/bin", "/bin", "/usr/sbin", "/sbin")


@dataclass
class Limits:
    wall: float = 300          # seconds for the whole notebook (both phases)
    cell: int = 60             # seconds per cell
    call: int = 20             # seconds per hidden call
    memory_mb: int = 2048      # address space per process
    nproc: int = 96            # processes + threads
    fsize_mb: int = 256        # largest file it may write
    disk_mb: int = 512         # its writable WORK
    tmp_mb: int = 128          # its /tmp
    results_mb: int = 256      # the stream of results it may send back


@dataclass
class Outcome:
    returncode: int
    timed_out: bool
    seconds: float
    stderr: str
    too_many_processes: bool = False
    results: bytes = b""
    audit: dict = field(default_factory=dict)    # {kind of note: [details]}
    results_overflow: bool = False
    task_limit_hit: bool = False


def system_tool(name):
    """The absolute path of a system helper (bwrap, prlimit, setpriv), or None."""
    for folder in SYSTEM_PATH:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def require_bwrap():
    path = system_tool("bwrap")
    if path is None:
        raise CourseError(MISSING)
    return path


def package_repo():
    """The folder holding the `autograder` package (the course repository when installed -e)."""
    return Path(__file__).resolve().parents[2]


def grader_package():
    """The `autograder` package's folder: the hidden checks and the references."""
    return Path(__file__).resolve().parents[1]


def grader_files():
    """What a notebook must never read: the `autograder` package and, in a checkout, the
    repository around it (never site-packages, which holds the Python it runs on)."""
    repo = package_repo()
    return [grader_package(), *([repo] if (repo / "pyproject.toml").is_file() else [])]


def student_package():
    import course
    return Path(course.__file__).resolve().parent


def _outermost(paths):
    paths = sorted({Path(p).resolve() for p in paths if p and Path(p).exists()}, key=lambda p: len(p.parts))
    kept = []
    for path in paths:
        if not any(path == k or k in path.parents for k in kept):
            kept.append(path)
    return kept


def python():
    """The path the sandbox starts this Python by: sys.executable in its folder's real place.

    A course repository may hold a symlink to its environment (.venv -> elsewhere); the
    sandbox hides the repository and binds the environment at its resolved path
    (python_trees), so sys.executable as typed is not there. Only the folder is resolved:
    the interpreter itself is a link to the base Python, which would not see the
    environment's packages.
    """
    executable = Path(sys.executable)
    return executable.parent.resolve() / executable.name


def environment(work):
    venv_bin = str(python().parent)
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        # the kernel draws figures into the executed notebook; phase B sets Agg for itself
        "HOME": "/tmp/home", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "MPLCONFIGDIR": str(Path(work) / ".mpl"),
        "IPYTHONDIR": "/tmp/ipython", "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
        "JUPYTER_DATA_DIR": "/tmp/jupyter-data", "JUPYTER_CONFIG_DIR": "/tmp/jupyter-config",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1", "CNN_COURSE_REFERENCES": PROVIDER, "LANG": "C.UTF-8",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def lease_slots(count):
    """(`count` slots, the open lock files that hold them): slots whose dedicated uids no other
    grader on this machine holds. Closing the files, or the end of the process, frees them.

    After each run the grader kills whatever its slot's uid still runs, so two graders at once
    (two assignments, a `check` beside a batch) that shared a uid would kill each other's
    sandboxes. Only root runs sandboxes as dedicated uids; otherwise a slot is only a number.
    The locks live in a folder of root's under /run, one per machine: not in a home, which
    differs between graders started with another HOME (sudo with and without -H) or in a
    mount namespace that covers /root, while the uids and their processes are shared."""
    if os.geteuid() != 0:
        return list(range(count)), []
    try:
        SLOT_LOCKS.mkdir(mode=0o700, parents=True, exist_ok=True)
        SLOT_LOCKS.chmod(0o700)
    except OSError as error:
        raise CourseError(f"cannot make {SLOT_LOCKS} for the sandbox's uid locks "
                          f"({error.strerror}) — run the grader as root on a system with /run") from None
    slots, held = [], []
    for slot in range(UID_SLOTS):
        lock = open(SLOT_LOCKS / str(BASE_UID + slot), "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        slots.append(slot)
        held.append(lock)
        if len(slots) == count:
            return slots, held
    for lock in held:
        lock.close()
    raise CourseError(f"all {UID_SLOTS} sandbox uids from {BASE_UID} are held by other graders "
                      "on this machine — wait until some of them finish")


def _processes_of(uid):
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def _reachable_by_others(path):
    """True when an unprivileged uid can reach and read `path` (every folder above is o+x)."""
    path = Path(path).resolve()
    try:
        if not path.stat().st_mode & 0o004:
            return False
        return all(p.stat().st_mode & 0o001 for p in path.parents)
    except OSError:
        return False


def mode():
    """'uid' (root: setpriv to a dedicated uid, RLIMIT_NPROC works), 'userns' (root, but Python
    lives where other uids cannot read it: bwrap maps an unprivileged uid; processes are bounded
    by the watchdog), or 'user' (an ordinary user)."""
    if os.geteuid() != 0:
        return "user"
    python = Path(sys.executable).resolve()
    return "uid" if _reachable_by_others(python) and _reachable_by_others(sys.prefix) else "userns"


def _children(pid):
    """The pids of `pid`'s children, from its threads' /proc children lists."""
    kids = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            kids += map(int, Path(f"/proc/{pid}/task/{tid}/children").read_text().split())
        except (OSError, ValueError):
            pass
    return kids


def _tasks(pid):
    """How many threads run in the processes descending from `pid`. It walks the tree alone:
    the watchdog asks ten times a second, and reading every /proc/*/stat instead cost ~5 ms of
    a busy core each time."""
    found, todo = 0, _children(pid)
    while todo:
        child = todo.pop()
        try:
            found += len(os.listdir(f"/proc/{child}/task"))
        except OSError:
            continue
        todo += _children(child)
    return found


SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")


def python_trees():
    """The folders a sandboxed Python needs: its environment, its base install, the `course` package."""
    base = Path(sys.executable).resolve().parents[1]
    return _outermost([sys.prefix, sys.base_prefix, base, student_package(),
                       *(p for p in sys.path if p and Path(p).is_dir() and "site-packages" in p)])


def bwrap_arguments(job_dir, hide, env, limits, userns=False):
    """Only the system folders and Python are in view (read-only), the job folder
    read-only at JOB and a tmpfs at WORK: another copy of the course elsewhere on the disk
    is as invisible as this one."""
    args = [require_bwrap(), "--dev", "/dev", "--proc", "/proc",
            "--size", str(limits.tmp_mb * 2 ** 20), "--tmpfs", "/tmp"]
    visible = []
    for name in SYSTEM:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
            visible.append(path)
    trees = python_trees()
    hidden = [h for h in _outermost(hide)
              if any(v == h or v in h.parents for v in [*visible, *trees]) and h != Path("/")]
    for tree in trees:
        args += ["--ro-bind", str(tree), str(tree)]
    for path in hidden:
        args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
    for tree in trees:
        if any(h == tree or h in tree.parents for h in hidden):
            args += ["--ro-bind", str(tree), str(tree)]
    args += ["--ro-bind", str(job_dir), JOB, "--size", str(limits.disk_mb * 2 ** 20),
             "--tmpfs", WORK, "--chdir", WORK,
             "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    if userns:
        args += ["--unshare-user", "--uid", str(BASE_UID), "--gid", str(BASE_UID)]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + ["--"]


def _limits_prefix(limits, uid, drop_to_uid, count_processes, root):
    """setpriv (to the slot's own uid, as root) and prlimit (address space, file size, no core
    dumps, and the process count where no cgroup holds it) in front of the command."""
    prefix = []
    if drop_to_uid:
        prefix = [system_tool("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    prefix += [system_tool("prlimit"), f"--as={limits.memory_mb * 2 ** 20}",
               f"--fsize={limits.fsize_mb * 2 ** 20}", "--core=0"]
    if count_processes:
        nproc = limits.nproc if root else len(_processes_of(uid)) + limits.nproc
        prefix += [f"--nproc={nproc}"]
    prefix += ["--"]
    if None in prefix:
        raise CourseError("prlimit or setpriv is missing from /usr/bin — "
                          "`sudo apt-get install util-linux`")
    return prefix


def bwrap_works():
    """True when bwrap is installed and may make its namespaces here."""
    path = system_tool("bwrap")
    if path is None:
        return False
    try:
        return subprocess.run([path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                               "/bin/true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def require_setpriv():
    if os.geteuid() != 0 or mode() != "uid":
        raise CourseError("--isolation setpriv needs root and a Python that other users can "
                          "read (it runs the notebook as an unprivileged uid)")


def run(job_dir, limits, second_stage=b"", hide=(), slot=0, isolation=BWRAP, work=None):
    """Run the harness on `job_dir` within the limits; returns an Outcome with its results.

    second_stage: the references of the second stage (job.pack_files), written to the
    harness's references pipe (--refs-fd) once its results carry the seal, never before (see
    job.py).

    isolation: BWRAP, SETPRIV (see the module docstring) or None (none at all: unsafe);
    work: outside bwrap, the host folder that stands for WORK (made by the caller; under
    SETPRIV it is handed to the slot's uid). The job folder's lib/, where there is one, is on
    the harness's PYTHONPATH."""
    job_dir = Path(job_dir).resolve()
    sandbox = isolation == BWRAP
    how = mode() if sandbox else "uid" if isolation == SETPRIV else "user"
    root = how == "uid"
    hide = [*hide, Path.home()]
    uid = BASE_UID + slot if root else os.geteuid()
    inside_job, inside_work = (JOB, WORK) if sandbox else (str(job_dir), str(work))
    env = environment(inside_work)
    if (job_dir / LIB).is_dir():
        env["PYTHONPATH"] = f"{inside_job}/{LIB}"
    if isolation == SETPRIV:
        os.chown(work, uid, uid)
        os.chmod(work, 0o700)
    results_r, results_w = channel()
    audit_r, audit_w = channel()
    err_r, err_w = channel()
    refs_w, refs_r = channel()
    # The results and the references travel on descriptors above 2, never on stdin and stdout:
    # bwrap's own init, pid 1 of the sandbox, keeps 0-2 open and runs as the sandbox's uid;
    # the init closes every other descriptor.
    argv = [os.fspath(python()), f"{inside_job}/run_submission.py", inside_job, inside_work,
            "--audit-fd", str(audit_w), "--results-fd", str(results_w), "--refs-fd", str(refs_r)]
    confined = isolation in (BWRAP, SETPRIV)
    if sandbox or (root and confined):
        argv.append("--contained")      # a pid namespace or a uid of its own: see the harness
    group = cgroup.make(f"cnn-grade-{os.getpid()}-{slot}-{time.monotonic_ns()}",
                        limits.nproc) if confined and os.geteuid() == 0 else None
    prefix = _limits_prefix(limits, uid, root and confined, confined and group is None, root)
    if sandbox:
        command = prefix + bwrap_arguments(job_dir, hide, env, limits, how == "userns") + argv
        run_env = {"PATH": ":".join(SYSTEM_PATH)}
    else:
        command = prefix + argv
        run_env = {**env, "HOME": str(Path(work) / "home"),
                   "IPYTHONDIR": str(Path(work) / "ipython"),
                   "JUPYTER_RUNTIME_DIR": str(Path(work) / "jupyter-runtime"),
                   "JUPYTER_DATA_DIR": str(Path(work) / "jupyter-data"),
                   "JUPYTER_CONFIG_DIR": str(Path(work) / "jupyter-config")}
    if group is not None:
        command = cgroup.wrap(group, command)
    started = time.time()
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=err_w, pass_fds=(audit_w, results_w, refs_r),
                                   env=run_env, cwd=str(job_dir), start_new_session=True)
    except BaseException:
        for fd in (results_r, audit_r, err_r, refs_w):
            os.close(fd)
        if group is not None:
            cgroup.remove(group)
        raise
    finally:
        for fd in (results_w, audit_w, err_w, refs_r):
            os.close(fd)
    try:
        outcome = _watch(process, limits, started, results_r, audit_r, err_r,
                         _Sender(refs_w, second_stage))
    finally:
        if process.poll() is None:
            _kill(process)
        if group is not None:
            outcome_hit = cgroup.limit_hit(group)
            cgroup.remove(group)
        else:
            outcome_hit = False
        if root and confined:
            for pid in _processes_of(uid):   # leftovers of this slot's dedicated uid
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
    outcome.task_limit_hit = outcome_hit
    return outcome


def channel():
    """(this end, the sandbox's end) of a new channel, as descriptors: a socket pair, not a
    pipe. A process of the sandbox's uid can open another's pipe again, in either direction,
    through /proc/<pid>/fd/<n> (write a forged stream of results ahead of the harness's, read
    the references or the audit notes first); /proc opens no socket."""
    mine, theirs = socket.socketpair()
    return mine.detach(), theirs.detach()


def _kill(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        pass
    process.wait()


DRAIN_SECONDS = 5       # how long the pipes may stay open once the sandbox has ended
AUDIT_LINE = 4096


class _Sender:
    """The second stage's references on the harness's references pipe: written once the
    results carry the seal, closed at once when there are none (or at the end, when no seal
    came)."""

    def __init__(self, fd, data):
        self.fd, self.data, self.watch = fd, memoryview(data), stream.SealWatch()
        os.set_blocking(fd, False)
        if not data:
            self.close()

    def results_grew(self, results, selector):
        if self.fd is not None and not self.watch.sealed and self.watch.feed(results):
            selector.register(self.fd, selectors.EVENT_WRITE)

    def write(self, selector):
        try:
            self.data = self.data[os.write(self.fd, self.data[:2 ** 16]):]
        except BlockingIOError:
            return
        except OSError:          # the harness is gone: nobody to send them to
            self.data = self.data[:0]
        if not self.data:
            selector.unregister(self.fd)
            self.close()

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _watch(process, limits, started, results_r, audit_r, err_r, sender):
    """Read the three pipes until they close, stopping the sandbox at its limits, and send the
    second stage's references when the seal comes."""
    results, audit, err = bytearray(), _AuditLines(), bytearray()
    overflow = timed_out = too_many = False
    cap = limits.results_mb * 2 ** 20
    selector = selectors.DefaultSelector()
    for fd in (results_r, audit_r, err_r):
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    deadline, drain_until, next_count = started + limits.wall, None, 0.0
    try:
        while selector.get_map():
            now = time.time()
            if process.poll() is None:
                if now > deadline:
                    timed_out = True
                    _kill(process)
                elif now >= next_count:
                    next_count = now + 0.1
                    if _tasks(process.pid) > limits.nproc + 4:
                        too_many = True
                        _kill(process)
            if process.poll() is not None:
                drain_until = drain_until or now + DRAIN_SECONDS
                if now > drain_until:
                    break
            for key, _ in selector.select(timeout=0.1):
                if key.fd == sender.fd:
                    sender.write(selector)
                    continue
                try:
                    chunk = os.read(key.fd, 2 ** 20)
                except BlockingIOError:
                    continue
                if not chunk:
                    selector.unregister(key.fd)
                    continue
                if key.fd == results_r:
                    if len(results) + len(chunk) > cap:
                        overflow = True
                    else:
                        results += chunk
                        sender.results_grew(results, selector)
                elif key.fd == audit_r:
                    audit.add(chunk)
                else:
                    err += chunk
                    del err[:-2000]
    finally:
        selector.close()
        sender.close()
        for fd in (results_r, audit_r, err_r):
            os.close(fd)
    if process.poll() is None:
        _kill(process)
    return Outcome(process.returncode, timed_out, time.time() - started,
                   bytes(err).decode(errors="replace"), too_many, bytes(results), audit.value(),
                   overflow)


class _AuditLines:
    """The audit pipe's notes (run_submission.Audit), as {kind: [details]}, bounded: each kind
    is kept at least once, so that a flood of text or of invented notes cannot push a real one
    out. A note counts wherever it stands: it starts a line of its own."""

    def __init__(self, most=1000):
        self.pending, self.notes, self.count, self.most = b"", {}, 0, most

    def add(self, chunk):
        *complete, self.pending = (self.pending + chunk).split(b"\n")
        if len(self.pending) > AUDIT_LINE:
            self.pending = b""
        for line in complete:
            if not line.startswith(AUDIT_TAG) or len(line) > AUDIT_LINE:
                continue
            kind, _, detail = line[len(AUDIT_TAG):].decode(errors="replace").partition(" ")
            if self.count < self.most or kind not in self.notes:
                self.count += 1
                self.notes.setdefault(kind, []).append(detail)

    def value(self):
        return self.notes
