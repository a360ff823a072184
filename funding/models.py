"""KOMM-AN funding: programmes, budget pots, applications (filled by the funding issue)."""
