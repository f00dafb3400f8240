// Marks this document, so that a document the next action brings can be told from it.
() => { window.__robotStamp = true; }
