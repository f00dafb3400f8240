// uses: value_of
// Each element's value as input_value reads it (null where it would refuse).
(els) => els.map(value_of)
