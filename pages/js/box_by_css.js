// uses: box_of
// box_of.js for the message boxes' plain CSS, from the page's own script (no selector engine).
([css, words]) => box_of(css, words)
