"""Later answers of a conversation say something new when the sources have it.

"How do they treat that?" after "What is sleep apnea?" quoted the first answer's sentence on how
sleep apnea is diagnosed again: the sentence is close to both questions, so a follow-up's answer
often repeated part of the one before (49% of the development set's answered follow-ups). Now each
page's sentences that earlier answers quoted are left out when the page holds an unheard sentence
about as close to the question as its heard one (within the answer margin that already bounds which
sentences an answer quotes), and within that margin of the best sentence of all, so the answer can
still quote the page. A page with nothing new that close keeps its repeat: "Anyone with
symptoms of a TIA should call 911 …" is still the answer to "if the symptoms went away, do I still
need to go in?". A request for more ("tell me more") is stricter: it never repeats
(``responses.respond``).
"""

from __future__ import annotations

from ragcore.retrieval import ScoredChunk

Heard = frozenset[tuple[str, int]]  # (doc_id, char_start) of each sentence the conversation quoted


def without_repeats(evidence: list[ScoredChunk], heard: Heard, *, margin: float) -> list[ScoredChunk]:
    """``evidence`` without the heard sentences of each page that has an unheard one scoring within
    ``margin`` of its best heard one and of the best sentence of all (similarity to the question).

    >>> without_repeats([], frozenset({("a.md", 0)}), margin=0.12)
    []
    """
    if not heard:
        return evidence
    best_heard: dict[str, float] = {}
    best_new: dict[str, float] = {}
    for chunk in evidence:
        for s in chunk.sentences:
            best = best_heard if (s.record.doc_id, s.record.start) in heard else best_new
            best[s.record.doc_id] = max(best.get(s.record.doc_id, -1.0), s.similarity)
    bar = max(max(best_heard.values(), default=-1.0), max(best_new.values(), default=-1.0)) - margin
    # a page's new sentence must be close to its heard one and close enough to the best to be quoted
    renewed = {doc for doc, score in best_heard.items() if best_new.get(doc, -1.0) >= max(score - margin, bar)}
    if not renewed:
        return evidence
    return [
        chunk.without_sentences(lambda s: s.doc_id in renewed and (s.doc_id, s.start) in heard) for chunk in evidence
    ]
