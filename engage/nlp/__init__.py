"""Language processing that runs on this machine only: themes, personal data, language."""
