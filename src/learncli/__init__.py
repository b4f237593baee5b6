"""learn: run paid, cohort-based online courses from a folder of YAML files."""

__version__ = "0.1.0"
