"""The alerting rules in deploy/prometheus pass promtool's checks and unit tests, and every alert is tested both
firing and quiet (Debian's `prometheus` package brings promtool: scripts/install-system-deps.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "reelscope-rules.yml"
RULE_TESTS = ROOT / "deploy" / "prometheus" / "tests" / "reelscope-rules.test.yml"


def _promtool(*args: str) -> subprocess.CompletedProcess:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run scripts/install-system-deps.sh (Debian package prometheus)"
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_promtool_accepts_the_rules():
    done = _promtool("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 9 rules found" in done.stdout


def test_the_rule_unit_tests_pass():
    done = _promtool("test", "rules", str(RULE_TESTS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alert_has_a_firing_and_a_quiet_unit_test():
    alerts = {rule["alert"] for group in yaml.safe_load(RULES.read_text())["groups"]
              for rule in group["rules"] if "alert" in rule}
    cases = [case for test in yaml.safe_load(RULE_TESTS.read_text())["tests"]
             for case in test.get("alert_rule_test", [])]
    firing = {case["alertname"] for case in cases if case.get("exp_alerts")}
    quiet = {case["alertname"] for case in cases if not case.get("exp_alerts")}
    assert len(alerts) == 8
    assert alerts - firing == set()
    assert alerts - quiet == set()


def test_a_broken_rule_file_is_refused(tmp_path):  # the check above can fail
    broken = tmp_path / "broken.yml"
    broken.write_text(RULES.read_text().replace("max(reelscope_queue_depth) > 0", "max(reelscope_queue_depth) >"))
    assert _promtool("check", "rules", str(broken)).returncode != 0


def test_the_compose_prometheus_config_is_valid_and_loads_the_rules():
    done = _promtool("check", "config", str(ROOT / "deploy" / "prometheus" / "prometheus.yml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 9 rules found" in done.stdout


def test_docker_compose_runs_prometheus_alertmanager_and_grafana_under_a_profile_wired_to_deploy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("prometheus", "alertmanager", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
        for volume in services[name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    assert "--metrics-port" in services["worker"]["command"]
    assert "profiles" not in services["api"]
    alertmanager = yaml.safe_load((ROOT / "deploy" / "alertmanager" / "alertmanager.yml").read_text())
    assert alertmanager["route"]["receiver"] in {r["name"] for r in alertmanager["receivers"]}
