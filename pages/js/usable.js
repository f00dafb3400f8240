// Whether each control can be used: shown, and not disabled by attribute, ARIA or a "disabled" class
// on it or on the list item that holds it (the usual pagers' ways).
(els) => els.map(e => (e.offsetParent !== null || e.getClientRects().length > 0)
  && !e.disabled && e.getAttribute("aria-disabled") !== "true"
  && !e.classList.contains("disabled") && !(e.parentElement && e.parentElement.classList.contains("disabled")))
