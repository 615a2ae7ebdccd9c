"""Reports (SPEC §14): the daily rollup (`rollup`), a period's figures (`figures`) and the
ticket-level export (`exports`)."""
