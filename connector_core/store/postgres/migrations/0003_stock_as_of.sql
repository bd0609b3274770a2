-- The stock ledger remembers how new (the host's as_of) its confirmed and uncertain levels are, so an
-- older level is refused; rows written before have none (any level may replace them once).
ALTER TABLE stock_ledger ADD COLUMN as_of bigint;
ALTER TABLE stock_ledger ADD COLUMN pending_as_of bigint;
