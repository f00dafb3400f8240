// uses: landmark
// Each element's path and signature, and whether the signature names it alone on this page (words, and
// no other element of its tag with the same ones) in the document's own tree (not in a shadow root):
// only such a control can be found again by a plain path.
(els) => els.map(e => {
  const sig = landmark.signature(e);
  const alone = [...document.getElementsByTagName(e.tagName)].filter(o => landmark.signature(o) === sig).length === 1;
  return [landmark.pathOf(e), sig, alone && !sig.endsWith(":") && e.getRootNode() === document];
})
