// uses: checked_of
// Each element's checked state as is_checked reads it (null where it would refuse).
(els) => els.map(checked_of)
