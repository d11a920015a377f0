import shutil
from pathlib import Path

from exitplan import cache
from exitplan.api import scan
from exitplan.render.json_report import to_json

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webshop"


def test_an_unchanged_estate_comes_from_the_cache_and_any_change_invalidates_it(tmp_path, monkeypatch):
    monkeypatch.setenv("EXITPLAN_CACHE_DIR", str(tmp_path / "cache"))
    estate = tmp_path / "estate"
    shutil.copytree(EXAMPLE, estate)
    cold = scan([str(estate)], use_cache=True)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    warm = scan([str(estate)], use_cache=True)
    assert to_json(warm) == to_json(cold)
    assert warm.graph.number_of_edges() == cold.graph.number_of_edges()

    (estate / "k8s" / "base" / "config.yaml").write_text(
        (estate / "k8s" / "base" / "config.yaml").read_text() + "\n# note\n"
    )
    scan([str(estate)], use_cache=True)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_a_broken_cache_entry_is_a_miss_not_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("EXITPLAN_CACHE_DIR", str(tmp_path))
    (tmp_path / "abc.pickle").write_bytes(b"not a pickle")
    assert cache.load("abc") is None


def test_a_changed_downloaded_module_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EXITPLAN_CACHE_DIR", str(tmp_path / "cache"))
    estate = tmp_path / "estate"
    (estate / ".terraform" / "modules" / "db").mkdir(parents=True)
    (estate / "main.tf").write_text('module "db" {\n  source = "terraform-aws-modules/rds/aws"\n}\n')
    (estate / ".terraform" / "modules" / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "this" {}\n'
    )
    scan([str(estate)], use_cache=True)
    (estate / ".terraform" / "modules" / "db" / "main.tf").write_text(
        'resource "aws_db_instance" "this" {}\nresource "aws_db_subnet_group" "this" {}\n'
    )
    scan([str(estate)], use_cache=True)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_without_a_home_folder_a_scan_runs_uncached(tmp_path, no_home_folder):
    """No cache folder to be had: the scan runs, twice the same, instead of failing."""
    estate = tmp_path / "estate"
    estate.mkdir()
    (estate / "main.tf").write_text('resource "aws_s3_bucket" "assets" {\n  bucket = "shop-assets"\n}\n')
    first = scan([str(estate)], use_cache=True)
    assert [r.address for r in first.resources] == ["aws_s3_bucket.assets"]
    assert to_json(scan([str(estate)], use_cache=True)) == to_json(first)
