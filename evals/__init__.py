"""The evaluation harness: datasets, metrics, runner and reports."""
