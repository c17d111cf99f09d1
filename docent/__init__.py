"""The ``docent`` command: a thin dispatcher over the ingest, service and evals CLIs."""
