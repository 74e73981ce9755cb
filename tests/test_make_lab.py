"""`make lab` works as root (a container) and as an ordinary user, takes LAB_ARGS, and gives
nbgrader an exchange folder of the course's own."""

import os
import subprocess

from traitlets.config.loader import PyFileConfigLoader

from helpers import ROOT


def _dry_run(*args):
    return subprocess.run(["make", "-n", "lab", "VENV=.venv", *args], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def test_make_lab_allows_root_only_as_root_and_passes_lab_args():
    command = _dry_run('LAB_ARGS=--port 8890 --no-browser')
    lab = next(line for line in command.splitlines() if line.startswith("jupyter lab"))
    assert "--port 8890 --no-browser" in lab
    assert ("--allow-root" in lab) == (os.geteuid() == 0)
    assert "mkdir -p exchange" in command


def test_the_exchange_is_the_courses_own_folder():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert config.Exchange.root == str(ROOT / "exchange")
