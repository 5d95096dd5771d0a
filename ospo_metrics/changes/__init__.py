"""What changed: the last complete week against the one before, from the KPI engine and the
stored snapshots (`weekly`), and the page's Streamlit pieces (`widgets`)."""
