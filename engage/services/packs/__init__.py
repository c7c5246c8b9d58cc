"""Meeting packs: built from the data for a meeting, kept as dated versions."""
