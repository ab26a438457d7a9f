"""Evaluation: how the program is doing, in aggregates only. Reads everything, writes nothing."""
