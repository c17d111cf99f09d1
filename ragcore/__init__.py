"""Docent's domain: documents, chunking, embedding, index store, retrieval, scope guard,
answer generation, citations and conversations. No HTTP and no CLI live here."""
