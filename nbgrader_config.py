"""nbgrader configuration: the repository root is the course root."""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "cnn-from-scratch"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.solution_directory = "solutions"
# the exchange of this course lives beside it (`make lab` makes the folder), not in
# /usr/local/share, which an ordinary user cannot create
c.Exchange.root = os.path.join(os.path.dirname(__file__), "exchange")

# the assignments, in teaching order; `cnn-course build` generates these
c.CnnCourse.assignments = [
    "01_im2col",
    "02_convolution",
    "03_pooling",
    "04_dense",
    "05_softmax",
    "06_cnn",
    "07_beyond",
]

# per cell; a whole notebook is bounded by the grader's own limit
c.Execute.timeout = 120
c.ExecutePreprocessor.timeout = 120
# a deleted test cell comes back from the gradebook and is graded, not left for manual grading
c.OverwriteCells.add_missing_cells = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# the answers to a notebook's closing questions (a markdown cell tagged "answers") reach
# solutions/ but not release/, whichever of `cnn-course build` or plain nbgrader generates it
from nbgrader.converters import GenerateAssignment  # noqa: E402

c.GenerateAssignment.preprocessors = [*GenerateAssignment.class_traits()["preprocessors"].default(),
                                      "autograder.building.build.ClearAnswers"]

# autograde's kernels run a later notebook that cannot find the student's earlier one with the
# references of those functions (each assignment is graded on its own); a student's kernel in
# JupyterLab, whose server reads this file too, stops with a message instead
from nbgrader.converters import Autograde  # noqa: E402

c.Autograde.autograde_preprocessors = [
    "autograder.building.nbgrader_autograde.ExecuteOnItsOwn" if p.__name__ == "Execute" else p
    for p in Autograde.class_traits()["autograde_preprocessors"].default()]
