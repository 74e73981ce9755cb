"""Finding the course root and reading its nbgrader configuration."""

import os
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


class CourseError(Exception):
    """A problem the user must fix; its message is one line that says how."""


def find_root(start=None):
    """The nearest folder at or above `start` (default: cwd) holding nbgrader_config.py."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise CourseError(f"no {CONFIG_FILE} in {here} or above — run this inside the course repository")


def _python_bin_on_path():
    # nbgrader runs `alembic` on a fresh gradebook; it lives beside this Python
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def load_config(root):
    """The course's nbgrader Config, with CourseDirectory.root set to `root`."""
    _python_bin_on_path()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config


def assignments(config):
    """The assignment ids listed in the configuration, in teaching order."""
    return list(config.CnnCourse.get("assignments", []))
