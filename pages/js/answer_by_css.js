// uses: answer_texts
// answer_texts.js for the messages' plain CSS, from the page's own script (no selector engine).
([css, modal]) => answer_texts(css, modal)
