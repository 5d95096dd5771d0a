"""ospo-metrics dashboard: `streamlit run app.py`.

Wires the pages with st.navigation, then lets only allowed people in when sign-in is set up
(see ospo_metrics/signin.py); on an empty database with the demo configuration it first
collects the generated demo organization, so the dashboard never opens empty.
"""

import streamlit as st

from ospo_metrics import signin

st.set_page_config(page_title="ospo-metrics", page_icon="📊", layout="wide")

# Navigation before anything slow (imports, the first start's demo build): until a session has
# called st.navigation, Streamlit shows the auto-discovered pages/ folder instead.
navigation = st.navigation(
    [
        st.Page("pages/overview.py", title="Overview", icon="📈", default=True),
        st.Page("pages/health.py", title="Project health", icon="🩺"),
        st.Page("pages/changes.py", title="What changed", icon="🗓️"),
        st.Page("pages/impact.py", title="Impact summary", icon="🏆"),
        st.Page("pages/upstream.py", title="Upstream contributions", icon="🌍"),
        st.Page("pages/objectives.py", title="Objectives", icon="🎯"),
        st.Page("pages/compliance.py", title="Compliance", icon="📋"),
        st.Page("pages/public_sector.py", title="Public sector", icon="🏛️"),
        st.Page("pages/maturity.py", title="Maturity", icon="🧭"),
        st.Page("pages/people.py", title="People", icon="👥"),
        st.Page("pages/export.py", title="Explore and export", icon="⬇️"),
        st.Page("pages/sources.py", title="Data sources", icon="🗄️"),
    ],
    position="sidebar" if signin.may_see_pages() else "hidden",
)
# Sign-in and the allowlist (.streamlit/secrets.toml), before any data is read.
signin.require_access()
signin.mark_checked()

with st.spinner("Starting… the very first start builds the demo organization (a few seconds)."):
    from ospo_metrics import ui  # after the navigation, see above

    context = ui.context()
ui.style()
ui.ensure_first_data(context)
if context.is_demo:
    st.sidebar.caption("🧪 Demo organization: Acme (demo)")
navigation.run()
