"""Project health: the per-repository table and drill-down shared by the page and the CLI
(`views`), and the page's Streamlit pieces (`widgets`)."""
