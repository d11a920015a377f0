"""The benchmark's generated estates are what they claim to be: the module-library shape has the files asked
for, parses cleanly, and is resolved through whole module objects (the shape that made following slow)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from exitplan.discover import discover
from exitplan.terraform import loader as terraform

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate_estate import generate_module_library  # noqa: E402


@pytest.mark.parametrize("documented", [True, False], ids=["documented", "bare"])
def test_module_library_estate(tmp_path, documented):
    generate_module_library(tmp_path, 200, documented=documented)
    files = [p for p in tmp_path.rglob("*") if p.name.endswith((".tf", ".tfvars"))]
    assert 190 <= len(files) <= 200
    variables = (tmp_path / "library" / "services" / "svc_000_03" / "variables.tf").read_text()
    assert ('description = "The project the service is deployed to' in variables) is documented
    assert (tmp_path / "library" / "core" / "org" / "versions.tf").exists() is documented

    result = terraform.load(discover([str(tmp_path)]))
    assert {i.status for i in result.inputs} == {"parsed"}
    zones = sorted(c.path for c in result.configurations)
    assert zones == [f"landingzones/lz{n:03d}" for n in range(3 if not documented else 2)]
    assert all(c.note is None for c in result.configurations)

    references = {
        (r.address, ref.target, ref.kind)
        for r in result.resources
        if r.configuration == "landingzones/lz000"
        for ref in r.references
    }
    app = 'module.svc_000_03["blue"].google_cloud_run_v2_service.this'
    # project = module.projects[each.value.team]: the shop team's project object, and the folder it
    # re-exports; subnets, a `for` over every subnet of the network, still stands for every project
    # (a key-less target stands for every instance, as Terraform's address does)
    assert (app, 'module.projects["shop"].google_project.this', "module-input") in references
    assert (app, 'module.folders["apps"].google_folder.this', "module-input") in references
    assert (app, "module.projects.google_project.this", "module-input") in references
    # upstream = module.svc_000_02: a map of whole module objects, read with for in the app's env, and what
    # its outputs re-export from its own upstream
    assert (app, "module.svc_000_02.google_pubsub_topic.this", "module-input") in references
    assert (app, "module.svc_000_00.google_sql_database_instance.this", "module-input") in references
    # for_each = module.svc_000_03 at the root: one DNS record per service instance
    record = 'google_dns_record_set.svc_000_03["blue"]'
    assert (record, "module.svc_000_03.google_cloud_run_v2_service.this", "module-output") in references
