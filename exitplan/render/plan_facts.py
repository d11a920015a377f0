"""The exit plan's regulatory wording (scenarios, triggers, traceability, switching timeline and charges),
read from ``templates/exit-plan-facts.yaml`` and validated. Its own module so that the JSON report can
quote the switching charges without importing the plan's renderers (and networkx with them)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..errors import CatalogError
from ..knowledge.data_path import data_path
from ..knowledge.datafile import load_data_file, require

#: The keys each entry of each list in templates/exit-plan-facts.yaml must have.
_FACT_FIELDS = {
    "scenarios": ("id", "title", "kind", "description"),
    "traceability": ("requirement", "asks", "section"),
    "switching_timeline": ("when", "what", "basis"),
}


@cache
def plan_facts() -> dict[str, Any]:
    """The plan's regulatory wording (scenarios, triggers, traceability, switching timeline), validated."""
    path = data_path("templates") / "exit-plan-facts.yaml"
    data = load_data_file(path)
    facts: dict[str, Any] = {"triggers": [str(t) for t in require(data, "triggers", list, f"{path}:")]}
    for key, fields in _FACT_FIELDS.items():
        entries = require(data, key, list, f"{path}:")
        for index, entry in enumerate(entries):
            missing = [f for f in fields if not isinstance(entry, dict) or not isinstance(entry.get(f), str)]
            if missing:
                raise CatalogError(f"{path}: {key}[{index}].{missing[0]}: expected text")
        facts[key] = entries
    charges = require(data, "switching_charges", dict, f"{path}:")
    for key in ("regulation", "source", "as_of", "cutoff", "before", "after", "parallel_use"):
        if not isinstance(charges.get(key), str) or not charges[key].strip():
            raise CatalogError(f"{path}: switching_charges.{key}: expected text")
    facts["switching_charges"] = {k: " ".join(str(v).split()) for k, v in charges.items()}
    return facts
