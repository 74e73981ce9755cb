"""Instructor side of CNN From Scratch: hidden checks, building, grading, reports."""
