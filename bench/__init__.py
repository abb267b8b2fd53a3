"""helpsvc benchmark suite (issue #6); run bench/run.py."""
