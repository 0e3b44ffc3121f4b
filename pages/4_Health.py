"""Health: is the database reachable and writable, are jobs running, is there disk space, which Instagram routes work."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from core.jobs.health import health_report
from ui.instagram_routes import show_instagram_routes
from ui.layout import setup_page
from ui.system_health import render_system
from ui.text import fmt_time

db = setup_page("Health", icon=":material/monitor_heart:")
st.title("Health")
st.caption("The same checks as `python -m core health`.")

report = health_report(db)
if report["healthy"]:
    st.success("Healthy: the database answers and accepts writes, workers are available, disk space is fine.",
               icon=":material/check_circle:")
else:
    st.error("Not healthy: see the failing checks below.", icon=":material/error:")

jobs = report.get("jobs") or {}
cols = st.columns(4)
cols[0].metric("Queued", jobs.get("pending", 0))
cols[1].metric("Running", jobs.get("processing", 0))
cols[2].metric("Completed (last hour)", jobs.get("completed_last_hour", 0))
cols[3].metric("Failed (last hour)", jobs.get("failed_last_hour", 0))

for name in ("database", "workers", "disk"):
    check = report[name]
    icon = ":material/check_circle:" if check.get("ok") else ":material/error:"
    with st.expander(f"{name.capitalize()}: {'ok' if check.get('ok') else 'problem'}", icon=icon,
                     expanded=not check.get("ok")):
        st.json({k: v for k, v in check.items() if k != "ok"})
show_instagram_routes()
render_system(report.get("system"))
st.caption(f"Schema version: {report.get('schema_version') or 'unversioned'} · checked at "
           f"{fmt_time(datetime.fromisoformat(report['checked_at']))}")
