"""Language-model answers behind the ``AnswerGenerator`` seam.

``prompt`` builds the numbered, untrusted-labelled evidence prompt; ``backends`` makes the
LangChain chat model a setting names (imported lazily, with an install hint); ``resilience`` adds
timeouts, retries and a circuit breaker; ``verify`` keeps only generated sentences that cite a
passage that supports them; ``generator`` ties them together and falls back to the extractive
answer; ``condense`` rewrites follow-up questions. No LangChain type leaves this package.
"""
