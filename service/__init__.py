"""The HTTP service: FastAPI routes, schemas, errors and the ``serve``/``ask`` CLI."""
