"""Workload names: a base, told apart by the most telling qualifier, numbered only as a last resort."""

from exitplan.graph.workload_names import unique_names


def test_a_unit_whose_every_folder_is_taken_joins_its_nearest_folders_before_a_number():
    # Terragrunt units live/<area>/project: every single folder is another unit's too
    bases = ["platform"] * 4
    qualifiers = [
        ["project", "network-hub", "live"],
        ["project", "network-hub", "live"],
        ["project", "development", "live"],
        ["project", "development", "live"],
    ]
    assert unique_names(bases, qualifiers, frozenset()) == [
        "platform-network-hub",
        "platform-network-hub-project",  # was platform-2
        "platform-development",
        "platform-development-project",  # was platform-3
    ]


def test_names_stay_linear_and_numbered_last_on_thousands_of_clashes():
    names = unique_names(["worker"] * 3000, [[]] * 3000, frozenset())
    assert names[:3] == ["worker", "worker-2", "worker-3"] and names[-1] == "worker-3000"
    assert len(set(names)) == 3000
