"""The public figures and open data: counted nightly into snapshots, protected by
disclosure control (see tables.py), served as a page and as CSV and JSON downloads."""
