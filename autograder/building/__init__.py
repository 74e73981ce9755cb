"""Building the course: release and solutions from source/, source checks, simulated students, the demo."""
