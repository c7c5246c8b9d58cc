"""Looking after the site's data as a whole: backups and restores."""
