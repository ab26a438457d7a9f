"""Drop-in support groups: sessions, series, the public schedule, polls and their live results."""
