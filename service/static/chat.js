// Docent chat page: plain JavaScript, no build step, everything served by the app.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("message");
  const send = document.getElementById("send");
  const source = document.getElementById("source");
  const sourceTitle = document.getElementById("source-title");
  const sourceMeta = document.getElementById("source-meta");
  const sourceText = document.getElementById("source-text");
  const keyForm = document.getElementById("key");
  const keyInput = document.getElementById("api-key");
  const keyHelp = document.getElementById("key-help");
  const firstKeyHelp = keyHelp.textContent; // the page's own wording, restored after a refused key
  const KEY_STORAGE = "docent-api-key";
  let conversationId = null;
  let unsent = null; // the question that met a 401, asked again once a key is given

  // With API keys configured every /v1 route needs "Authorization: Bearer <key>"; the page asks
  // for one on the first 401 and keeps it in sessionStorage (this tab only, gone when it closes).
  function withKey(init) {
    const key = sessionStorage.getItem(KEY_STORAGE);
    const headers = Object.assign({}, (init || {}).headers, key ? { authorization: "Bearer " + key } : {});
    return Object.assign({}, init, { headers });
  }

  function askForKey(rejected) {
    keyHelp.textContent = rejected
      ? "That key was not accepted. Check it with the service's operator and enter it again."
      : firstKeyHelp;
    keyForm.hidden = false;
    keyInput.value = "";
    keyInput.focus();
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => (k === "text" ? (node.textContent = v) : node.setAttribute(k, v)));
    (children || []).forEach((c) => node.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return node;
  }

  function citationButton(citation) {
    const button = el("button", {
      type: "button", class: "cite", "data-n": String(citation.n),
      "aria-label": "Source " + citation.n + ": " + citation.title, text: "[" + citation.n + "]",
    });
    button.addEventListener("click", () => openSource(citation));
    return button;
  }

  const REFUSAL_LABELS = {
    out_of_scope: "Outside what I cover",
    insufficient_evidence: "My sources don't answer that",
    unsafe: "I can't help with that",
  };
  // replies to messages that are no question for the sources ("hi", a question in Spanish)
  const KIND_LABELS = { small_talk: null, other_language: "Please ask in English" };

  function renderAnswer(result) {
    const box = el("div", { class: "turn " + (result.refusal ? "refusal" : "assistant"), "data-role": "assistant" });
    if (result.notice) box.appendChild(el("p", { class: "notice", role: "alert", text: result.notice }));
    if (result.refusal) {
      const kind = result.refusal.kind;
      const label = kind in KIND_LABELS ? KIND_LABELS[kind] : REFUSAL_LABELS[result.refusal.reason] || "Refused";
      if (label) box.appendChild(el("p", { class: "refusal-reason", text: label }));
      box.appendChild(el("p", { class: "refusal-message", text: result.refusal.message }));
    } else {
      const byNumber = new Map(result.citations.map((c) => [c.n, c]));
      const answer = el("p", { class: "answer" });
      result.answer.split(/(\[\d+\])/).forEach((part) => {
        const m = part.match(/^\[(\d+)\]$/);
        if (m && byNumber.has(Number(m[1]))) answer.appendChild(citationButton(byNumber.get(Number(m[1]))));
        else answer.appendChild(document.createTextNode(part));
      });
      box.appendChild(answer);
      const list = el("ol", { class: "sources", "aria-label": "Sources" });
      result.citations.forEach((c) => list.appendChild(el("li", {}, [c.title + (c.section ? " — " + c.section : "")])));
      box.appendChild(list);
    }
    if (result.disclaimer) box.appendChild(el("p", { class: "disclaimer", text: result.disclaimer }));
    log.appendChild(box);
    box.scrollIntoView({ block: "end" });
  }

  async function openSource(citation) {
    const response = await fetch("/v1/documents/" + citation.doc_id.split("/").map(encodeURIComponent).join("/"), withKey());
    const body = await response.json();
    if (!response.ok) { sourceMeta.textContent = body.error ? body.error.message : "Could not load the source."; return; }
    sourceTitle.textContent = body.title;
    sourceMeta.textContent = (citation.section ? citation.section + " · " : "") + (body.metadata.source || body.doc_id);
    const text = body.text;
    sourceText.replaceChildren(
      document.createTextNode(text.slice(0, citation.char_start)),
      el("mark", { id: "quote", text: text.slice(citation.char_start, citation.char_end) }),
      document.createTextNode(text.slice(citation.char_end)),
    );
    source.hidden = false;
    document.getElementById("quote").scrollIntoView({ block: "center" });
    sourceText.focus();
  }

  async function ask(message) {
    log.appendChild(el("div", { class: "turn user", "data-role": "user" }, [el("p", { text: message })]));
    send.disabled = true;
    try {
      const response = await fetch("/v1/chat", withKey({
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify(conversationId ? { message, conversation_id: conversationId } : { message }),
      }));
      const body = await response.json();
      if (response.status === 401) {
        unsent = message;
        askForKey(sessionStorage.getItem(KEY_STORAGE) !== null);
      }
      if (!response.ok) throw new Error(body.error ? body.error.message : "request failed (" + response.status + ")");
      conversationId = body.conversation_id;
      renderAnswer(body);
    } catch (error) {
      log.appendChild(el("p", { class: "turn error", role: "alert", text: "Sorry: " + error.message }));
    } finally {
      send.disabled = false;
      if (keyForm.hidden) input.focus();
    }
  }

  function showCoverage() {
    fetch("/v1/domains", withKey()).then((r) => (r.ok ? r.json() : [])).then((domains) => {
      if (domains.length) document.getElementById("coverage").textContent =
        "Answers " + domains.map((d) => d.title.toLowerCase()).join(", ") + " questions only from its sources, with citations. Not professional advice.";
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = "";
    ask(message);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("close-source").addEventListener("click", () => { source.hidden = true; input.focus(); });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") source.hidden = true; });
  document.getElementById("new-conversation").addEventListener("click", () => {
    conversationId = null;
    log.replaceChildren();
    source.hidden = true;
    input.focus();
  });
  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = keyInput.value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_STORAGE, key);
    keyForm.hidden = true;
    showCoverage();
    const message = unsent;
    unsent = null;
    if (message) ask(message);
    else input.focus();
  });
  showCoverage();
})();
