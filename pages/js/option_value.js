// The value of the select's option whose words are `wanted` (or its plural, with a count or not).
(select, wanted) => {
  const norm = s => (s || "").replace(/[^A-Za-z]+/g, " ").trim().toLowerCase();
  const o = [...select.options].find(o => [wanted, wanted + "s"].includes(norm(o.label || o.text)));
  return o ? o.value : null;
}
