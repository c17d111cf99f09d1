"""Corpus folder -> new index version: loaders, build, publish, and the ``docent ingest`` CLI."""
