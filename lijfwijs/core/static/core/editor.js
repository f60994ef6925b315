/* Lijfwijs: the live preview of a Markdown field (core/_markdown_editor.html). While the person
   types, the text is POSTed (debounced) to the editor's data-preview-url as `source`, and the
   answer, HTML rendered and sanitised by the server (lijfwijs.core.markdown), replaces the
   preview. Without JavaScript the form's "Voorbeeld" button renders the same preview. */
(() => {
  "use strict";
  const WAIT_MS = 400;

  for (const editor of document.querySelectorAll("[data-markdown-editor]")) {
    const textarea = editor.querySelector("textarea");
    const preview = editor.querySelector("[data-markdown-preview]");
    const url = editor.dataset.previewUrl;
    const form = editor.closest("form");
    const token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!textarea || !preview || !url || !token) continue;

    let timer = 0;
    let inFlight = null;
    let shown = textarea.value;

    const refresh = async () => {
      const source = textarea.value;
      if (source === shown) return;
      if (inFlight) inFlight.abort();
      inFlight = new AbortController();
      const body = new FormData();
      body.append("csrfmiddlewaretoken", token.value);
      body.append("source", source);
      try {
        const response = await fetch(url, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { "X-Requested-With": "fetch" },
          signal: inFlight.signal,
        });
        if (!response.ok) return; // keep the last preview; the "Voorbeeld" button still works
        preview.innerHTML = await response.text(); // sanitised by the server
        shown = source;
        editor.dataset.previewState = "fresh";
      } catch (error) {
        if (error.name !== "AbortError") editor.dataset.previewState = "stale";
      }
    };

    textarea.addEventListener("input", () => {
      editor.dataset.previewState = "typing";
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, WAIT_MS);
    });
  }
})();
