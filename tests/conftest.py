import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"

# notebooks executed by the tests grade on their own, as under nbgrader
os.environ.setdefault("CNN_COURSE_GRADING", "1")


@pytest.fixture(scope="session")
def root():
    return ROOT
