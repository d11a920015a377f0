"""`exitplan plan`: writing, regenerating without losing people's words, and --check."""

import shutil
from pathlib import Path

import networkx as nx
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exitplan.api import scan
from exitplan.cli import main
from exitplan.knowledge.targets import load_target
from exitplan.plan import build_plan
from exitplan.render.documents import plan_documents
from exitplan.render.regions import extract
from exitplan.render.writer import write_plan

#: Secret literals planted in the example estate; none may reach any output.
SECRETS = ("s3cr3t-Do-Not-Leak-42",)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webshop"
TARGETS = (
    "openstack",
    "ovhcloud",
    "scaleway",
    "hetzner",
    "ionos",
    "stackit",
    "open-telekom-cloud",
    "upcloud",
    "exoscale",
)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_every_target_writes_a_plan_without_secrets(tmp_path):
    for target in TARGETS:
        out = tmp_path / target
        result = run("plan", EXAMPLE, "--target", target, "--out", out, "--quiet")
        assert result.exit_code == 0, result.output
        written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert "EXIT-PLAN.md" in written and "exitplan.json" in written
        assert any(name.startswith("workloads/") for name in written)
        for path in out.rglob("*"):
            if path.is_file():
                text = path.read_text()
                assert all(secret not in text for secret in SECRETS), path


def test_regeneration_keeps_human_text_and_check_catches_a_stale_plan(tmp_path):
    estate = tmp_path / "estate"
    shutil.copytree(EXAMPLE, estate)
    out = tmp_path / "plan"
    assert run("plan", estate, "--target", "openstack", "--out", out).exit_code == 0
    assert run("plan", estate, "--target", "openstack", "--out", out, "--check").exit_code == 0

    runbook = out / "workloads" / "orders-api.md"
    edited = runbook.read_text().replace(
        "_RTO and RPO for this workload, and the longest downtime the cut-over may take._",
        "RTO 4 h, RPO 15 min | agreed with the shop owner on 2026-10-02.\n\n- [x] rehearsed once",
    )
    runbook.write_text(edited)
    assert run("plan", estate, "--target", "openstack", "--out", out, "--check").exit_code == 0

    # The code changes: a new queue consumer appears; the committed plan is stale.
    (estate / "k8s" / "base" / "orders-api.yaml").write_text(
        (estate / "k8s" / "base" / "orders-api.yaml").read_text().replace("replicas: 3", "replicas: 4")
        + "\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cart-sweeper, namespace: webshop}\n"
        "spec:\n  schedule: '0 3 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
        "          restartPolicy: OnFailure\n          containers: [{name: sweep, image: 'busybox:1.36'}]\n"
    )
    stale = run("plan", estate, "--target", "openstack", "--out", out, "--check")
    assert stale.exit_code == 1
    assert "cart-sweeper" in stale.stderr and not (out / "workloads" / "cart-sweeper.md").exists()

    assert run("plan", estate, "--target", "openstack", "--out", out).exit_code == 0
    kept = extract(runbook.read_text())["workload/orders-api/rto"]
    assert kept == "RTO 4 h, RPO 15 min | agreed with the shop owner on 2026-10-02.\n\n- [x] rehearsed once\n"
    assert (out / "workloads" / "cart-sweeper.md").exists()
    assert run("plan", estate, "--target", "openstack", "--out", out, "--check").exit_code == 0


def test_a_file_exitplan_did_not_write_is_never_overwritten(tmp_path):
    out = tmp_path / "plan"
    out.mkdir()
    (out / "EXIT-PLAN.md").write_text("# Our own exit plan\n")
    result = run("plan", EXAMPLE, "--target", "openstack", "--out", out)
    assert result.exit_code == 2
    assert "EXIT-PLAN.md" in result.stderr
    assert (out / "EXIT-PLAN.md").read_text() == "# Our own exit plan\n"


def test_waves_respect_every_dependency_edge_of_the_example():
    report = scan([str(EXAMPLE)])
    plan = build_plan(load_target("openstack"), report.resources, report.graph)
    wave = {rid: w.index for w in plan.waves for rid in w.resources}
    broken = set(plan.broken_edges)
    for edge in report.edges:
        if edge.source in wave and edge.target in wave and edge not in broken:
            assert wave[edge.target] <= wave[edge.source], edge
    kept = nx.DiGraph((e.source, e.target) for e in report.edges if e not in broken and e.source in wave)
    assert nx.is_directed_acyclic_graph(kept)


_REPORT = scan([str(EXAMPLE)])
_FILES = plan_documents(_REPORT, load_target("openstack"))
_REGIONS = sorted(
    (name, region_id) for name, text in _FILES.items() if name.endswith(".md") for region_id in extract(text)
)
_HUMAN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=80
).filter(lambda t: "exitplan:" not in t)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.dictionaries(st.sampled_from(_REGIONS), _HUMAN_TEXT, min_size=1, max_size=6))
def test_any_edit_in_any_region_survives_regeneration(tmp_path_factory, edits):
    out = tmp_path_factory.mktemp("plan")
    write_plan(out, _FILES)
    for (name, region_id), text in edits.items():
        path = out / name
        body = text if text.endswith("\n") or not text else text + "\n"
        current = extract(path.read_text())[region_id]
        path.write_text(
            path.read_text().replace(
                f"<!-- exitplan:human {region_id} -->\n{current}<!-- exitplan:end {region_id} -->",
                f"<!-- exitplan:human {region_id} -->\n{body}<!-- exitplan:end {region_id} -->",
            )
        )
    write_plan(out, _FILES)
    for (name, region_id), text in edits.items():
        body = text if text.endswith("\n") or not text else text + "\n"
        assert extract((out / name).read_text())[region_id] == body


def test_the_plan_carries_a_date_only_when_asked(tmp_path):
    dated = run(
        "plan", EXAMPLE, "--target", "openstack", "--out", tmp_path / "a", "--date", "2026-11-29", "-q"
    )
    assert dated.exit_code == 0
    assert "| Generated on | 2026-11-29 |" in (tmp_path / "a" / "EXIT-PLAN.md").read_text()
    assert run("plan", EXAMPLE, "--target", "openstack", "--out", tmp_path / "b", "-q").exit_code == 0
    assert "2026-11-29" not in (tmp_path / "b" / "EXIT-PLAN.md").read_text()
    bad = run("plan", EXAMPLE, "--target", "openstack", "--out", tmp_path / "c", "--date", "yesterday")
    assert bad.exit_code == 2 and "--date" in bad.stderr


def test_ephemeral_state_is_listed_in_the_data_inventory(tmp_path):
    bundle = Path(__file__).resolve().parents[1] / "fixtures" / "kubernetes" / "microservices"
    assert run("plan", bundle, "--target", "hetzner", "--out", tmp_path, "-q").exit_code == 0
    plan = (tmp_path / "EXIT-PLAN.md").read_text()
    assert (
        "| `Deployment/default/redis-cart` | redis-cart | Redis/Valkey, ephemeral state | — | — | — "
        "| /data on emptyDir volume redis-data, lost on restart |"
    ) in plan
