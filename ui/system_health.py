"""The Health page's "System" section: the same figures as ``/metrics``, the built-in alert rules with their
thresholds, and the active and recent system alerts (core.observability.system_alerts.system_section)."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def render_system(section: dict | None) -> None:
    st.subheader("System")
    if section is None:
        st.info("The store does not answer, so the system figures are unknown.")
        return
    figures = section["figures"]
    cols = st.columns(5)
    finished = figures["completed_15m"] + figures["failed_15m"]
    cols[0].metric("Error rate (15 min)", _percent(figures["error_rate"]), help=f"{figures['failed_15m']} failed of "
                   f"{finished} finished; cancelled analyses are not counted")
    cols[1].metric("Queue", figures["queue_depth"], help=f"{figures['in_progress']} running now")
    age = figures["newest_worker_age_seconds"]
    cols[2].metric("Workers seen (24 h)", len(figures["workers"]),
                   help="never" if age is None else f"the newest heartbeat is {age:.0f} s old")
    outcomes = figures["instagram_last_hour"]
    cols[3].metric("Instagram requests (1 h)", sum(outcomes.values()),
                   help=", ".join(f"{name}: {count}" for name, count in outcomes.items()))
    cols[4].metric("Disk free", f"{figures['disk_free_percent']:.1f} %", help=figures["disk_path"])

    alerts = section["alerts"]
    active = [a for a in alerts if a["state"] == "firing"]
    if active:
        for alert in active:
            st.error(f"**{alert['rule']}** since {alert['started_at'][:16].replace('T', ' ')} UTC: {alert['message']}",
                     icon=":material/notifications_active:")
    else:
        st.success("No system alert is active.", icon=":material/notifications_off:")
    if not section["webhook"]:
        st.caption("System alerts are checked but sent nowhere: set REELSCOPE_ALERT_WEBHOOK_URL.")
    rules = pd.DataFrame(section["rules"]).rename(columns={"holds": "alerting"})
    st.dataframe(rules[["rule", "alerting", "value", "threshold", "setting", "message"]], hide_index=True,
                 width="stretch")
    if alerts:
        st.caption("Recent system alerts")
        st.dataframe(pd.DataFrame(alerts)[["rule", "state", "started_at", "resolved_at", "delivered", "message"]],
                     hide_index=True, width="stretch")
