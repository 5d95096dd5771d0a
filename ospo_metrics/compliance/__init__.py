"""Compliance and supply chain: runners that drive the compliance collectors into the store,
the loaders of their KPI frames, and the pieces other parts of the app call (summary, demo)."""
