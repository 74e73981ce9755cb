"""Grading submissions: intake -> plan -> sandbox (harness, record stream) -> trusted scoring -> report."""
