// uses: deep
// Marks each message shown that has words with those words: only words new after Save are its answer.
(els) => els.forEach(e => { const t = deep.text(e).trim(); if (deep.shown(e) && t) e.setAttribute("data-robot-seen", t); })
