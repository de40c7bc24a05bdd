"""One module per paper (and the baseline), exported from its notebook; `core.get_method` imports them on demand."""
