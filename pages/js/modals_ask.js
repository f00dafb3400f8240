// uses: deep, question
// `question` for the modals (plain CSS) shown now that were not there before Save.
([css, attr]) => question(deep.all(css).filter(e => !e.hasAttribute("data-robot-seen") && /\w/.test(deep.text(e))), attr)
