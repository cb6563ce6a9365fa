"""Benchmarks, the top layer beside ``cli.py``: scripts that run the commands as a user does and print speed,
memory and quality figures (``bench/results/`` keeps the last tables). Nothing imports them."""
