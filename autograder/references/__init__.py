"""Reference implementations: the fast layers grading uses and the callees of graded functions."""
