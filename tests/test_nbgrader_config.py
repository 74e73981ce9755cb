"""What nbgrader_config.py does to the processes that read it: JupyterLab's server (a
student's kernels), plain `nbgrader autograde` and `cnn-course build`."""

import os
import subprocess
import sys

from autograder.building.demo import simulated_submissions
from autograder.building.nbgrader_autograde import autograde, scratch_course
from course.notebook_import import REFERENCES_VARIABLE

from helpers import ROOT


def test_reading_the_configuration_leaves_the_environment_alone():
    """JupyterLab's nbgrader extensions read the course's configuration in the server, whose
    environment every student kernel inherits: the references must not come with it, or a
    later notebook opened without the earlier one would quietly use them."""
    env = {k: v for k, v in os.environ.items() if k != REFERENCES_VARIABLE}
    code = ("import os; from traitlets.config.loader import PyFileConfigLoader; "
            f"PyFileConfigLoader('nbgrader_config.py', path={str(ROOT)!r}).load_config(); "
            f"print(os.environ.get({REFERENCES_VARIABLE!r}))")
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    assert shown == "None"


def test_plain_autograde_grades_a_later_notebook_on_its_own(tmp_path, monkeypatch):
    """02 loads 01's functions; in autograded/ no 01 is beside it, and only autograde's own
    kernels (ExecuteOnItsOwn) are told where the references are."""
    monkeypatch.delenv(REFERENCES_VARIABLE, raising=False)
    api = scratch_course(ROOT, "02_convolution", tmp_path / "course")
    three = simulated_submissions(ROOT, "02_convolution", tmp_path / "work")
    cells = autograde(api, "02_convolution", {"ada": three["perfect"]})["ada"]
    assert cells and all(score == total for score, total in cells.values()), cells
