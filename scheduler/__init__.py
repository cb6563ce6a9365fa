"""How a solve runs: assignment completion, the index, the CP-SAT model, parts and results."""
