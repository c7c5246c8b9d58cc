"""Evidence data: published statistics by ethnic group, uploaded as CSV, checked against
a declared Table Schema (validation), and kept in versions with their source and licence
to show as a chart and table beside an indicator or in a report (datasets)."""
