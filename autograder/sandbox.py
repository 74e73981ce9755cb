"""Running one submission's harness in a bubblewrap sandbox.

What the sandboxed process sees and may do:

- the system folders (/usr, /etc, /lib…) and the Python environment read-only,
  a private /tmp and /dev; nothing else of the disk (no home, no /work, no /var);
- its own private folder J read-write, nothing else writable;
- the course root, the repository holding the `autograder` package (hidden
  references), the gradebook, the output folder, the submissions folder and the
  other students' private folders are not bound, or covered by empty tmpfs
  mounts where they lie inside a folder in view; only the
  Python environment, the student-facing `course` package and, for an
  assignment that loads earlier notebooks, the reference modules that
  course.notebook_import falls back on (autograder.grade.reference_files: never
  the graded assignment's own checks) are bound back, read-only;
- no network, no other processes (`--unshare-all`), a fresh session, killed with
  the grader (`--die-with-parent`), an empty environment;
- limits: wall time for the whole notebook (the process group is killed),
  address space (RLIMIT_AS, so a memory bomb gets MemoryError), file size,
  no core files, and a number of processes (RLIMIT_NPROC). NPROC counts per
  user, and is not enforced for root: when the grader runs as root each
  concurrent sandbox runs as its own unprivileged uid (60000 + slot, via
  setpriv), so the limit is per submission and leftovers of that uid can be
  killed afterwards; when the grader is an ordinary user, the limit is its
  current process count plus the budget.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .course_root import CourseError

MISSING = ("bubblewrap (bwrap) is not installed — `sudo apt-get install bubblewrap`, "
           "or pass --no-sandbox to grade without one (unsafe)")
UNSAFE = ("warning: --no-sandbox: student code runs with your rights, "
          "it can read the gradebook and source/ and write anywhere you can")
BASE_UID = 60000


@dataclass
class Limits:
    wall: float = 300          # seconds for the whole notebook (both phases)
    cell: int = 60             # seconds per cell
    call: int = 20             # seconds per hidden call
    memory_mb: int = 2048      # address space per process
    nproc: int = 96            # processes + threads
    fsize_mb: int = 256        # largest file it may write


@dataclass
class Outcome:
    returncode: int
    timed_out: bool
    seconds: float
    stderr: str
    too_many_processes: bool = False


def require_bwrap():
    path = shutil.which("bwrap")
    if path is None:
        raise CourseError(MISSING)
    return path


def package_repo():
    """The folder holding the `autograder` package (the course repository when installed -e)."""
    return Path(__file__).resolve().parents[1]


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


def environment(job_dir):
    venv_bin = str(python().parent)
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp/home", "MPLBACKEND": "Agg", "MPLCONFIGDIR": str(job_dir / ".mpl"),
        "IPYTHONDIR": "/tmp/ipython", "JUPYTER_RUNTIME_DIR": "/tmp/jupyter-runtime",
        "JUPYTER_DATA_DIR": "/tmp/jupyter-data", "JUPYTER_CONFIG_DIR": "/tmp/jupyter-config",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1", "CNN_COURSE_GRADING": "1", "LANG": "C.UTF-8",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


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


def _descendants(pid):
    """How many processes descend from `pid`. It walks the tree alone: the watchdog asks ten
    times a second, and reading every /proc/*/stat instead cost ~5 ms of a busy core each time."""
    found, todo = 0, [pid]
    while todo:
        kids = _children(todo.pop())
        found += len(kids)
        todo += kids
    return found


SYSTEM = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc")


def python_trees():
    """The folders a sandboxed Python needs: its environment, its base install, the `course` package."""
    base = Path(sys.executable).resolve().parents[1]
    return _outermost([sys.prefix, sys.base_prefix, base, student_package(),
                       *(p for p in sys.path if p and Path(p).is_dir() and "site-packages" in p)])


def bwrap_arguments(job_dir, hide, env, userns=False, expose=()):
    """Only the system folders, Python and `expose` are in view (read-only), and J read-write:
    another copy of the course elsewhere on the disk is as invisible as this one."""
    args = [require_bwrap(), "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
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
    for back in sorted({Path(p).resolve() for p in expose}):
        args += ["--ro-bind", str(back), str(back)]
    args += ["--bind", str(job_dir), str(job_dir), "--chdir", str(job_dir),
             "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    if userns:
        args += ["--unshare-user", "--uid", str(BASE_UID), "--gid", str(BASE_UID)]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + ["--"]


def run(job_dir, argv, limits, hide=(), slot=0, sandbox=True, expose=()):
    """Run `argv` (the harness) on `job_dir` within the limits; returns an Outcome.

    expose: files under a hidden folder to bind back read-only (see the module docstring)."""
    job_dir = Path(job_dir).resolve()
    env = environment(job_dir)
    how = mode() if sandbox else "user"
    root = how == "uid"
    hide = [*hide, Path.home()]
    uid = BASE_UID + slot if root else os.geteuid()
    nproc = limits.nproc if root else len(_processes_of(uid)) + limits.nproc
    prefix = []
    if root and sandbox:
        for path in [job_dir, *job_dir.rglob("*")]:
            os.lchown(path, uid, uid)
        prefix = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    mem = limits.memory_mb * 2 ** 20
    prefix += ["prlimit", f"--as={mem}", f"--fsize={limits.fsize_mb * 2 ** 20}", "--core=0"]
    if sandbox:
        prefix += [f"--nproc={nproc}"]
    prefix += ["--"]
    if sandbox:
        command = prefix + bwrap_arguments(job_dir, hide, env, how == "userns", expose) + list(argv)
        run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        command = prefix + list(argv)
        run_env = {**env, "HOME": str(job_dir / "home"),
                   "IPYTHONDIR": str(job_dir / "ipython"),
                   "JUPYTER_RUNTIME_DIR": str(job_dir / "jupyter-runtime")}
    started = time.time()
    log = job_dir.parent / f"{job_dir.name}.stderr"
    with open(log, "wb") as stderr_file:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=stderr_file, env=run_env, cwd=str(job_dir),
                                   start_new_session=True)
    timed_out, too_many = False, False
    deadline = started + limits.wall
    try:
        while process.poll() is None:
            if time.time() > deadline:
                timed_out = True
                break
            if _descendants(process.pid) > limits.nproc + 4:
                too_many = True
                break
            try:
                process.wait(timeout=0.1)      # returns as soon as the sandbox exits
            except subprocess.TimeoutExpired:
                pass
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        if root and sandbox:
            for pid in _processes_of(uid):   # leftovers of this slot's dedicated uid
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
    with open(log, "rb") as stderr_file:
        stderr_file.seek(max(0, log.stat().st_size - 2000))
        tail = stderr_file.read().decode(errors="replace")
    return Outcome(process.returncode, timed_out, time.time() - started, tail, too_many)
