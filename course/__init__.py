"""CNN From Scratch: the student toolkit.

Gradient checking (`course.gradcheck`), the checks that visible tests use
(`course.feedback`), loading your own functions from an earlier notebook
(`course.notebook_import`), data sets (`course.data`) and the `cnn-course`
command. It never contains a solution.
"""

__version__ = "0.1.0"
