// Whether this is still the document stamp.js marked.
() => window.__robotStamp === true
