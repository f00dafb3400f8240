// uses: deep, mark_seen, words_shown
// Before Save: marks the messages and modals there (plain CSS), stamps the document, and keeps the words
// the form the robot typed in shows (its answer may be new words there).
(css) => {
  window.__robotStamp = true;
  mark_seen(deep.all(css));
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  window.__robotScope = active && deep.closest(active, "form");
  window.__robotWords = words_shown(window.__robotScope);
}
