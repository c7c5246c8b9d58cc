"""Meeting packs rendered: a pack's content (a plain dict) to PDF, and its bar charts to PNG.

Pure rendering code: no Flask and no database here; the content dict is built elsewhere.
"""
