"""ospo-metrics dashboard: `streamlit run app.py`.

Wires the pages with st.navigation; on an empty database with the demo configuration it first
collects the generated demo organization, so the dashboard never opens empty.
"""

import streamlit as st

from ospo_metrics import ui

st.set_page_config(page_title="ospo-metrics", page_icon="📊", layout="wide")

# Navigation first: on the very first start, building the demo takes a few seconds, and the
# sidebar should show the real pages meanwhile, not the auto-discovered pages/ folder.
navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon="📈", default=True),
        st.Page("pages/impact.py", title="Impact summary", icon="🏆"),
        st.Page("pages/objectives.py", title="Objectives", icon="🎯"),
        st.Page("pages/compliance.py", title="Compliance", icon="📋"),
        st.Page("pages/export.py", title="Explore and export", icon="⬇️"),
        st.Page("pages/sources.py", title="Data sources", icon="🗄️"),
    ]
)
context = ui.context()
ui.ensure_first_data(context)
if context.is_demo:
    st.sidebar.caption("🧪 Demo organization: Acme (demo)")
navigation.run()
