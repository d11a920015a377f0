"""Workload names people say: the component's name, never a path (SPEC §5).

A component's name is its controller's name shared by all its variants (kustomize prefixes and suffixes
drop out: ``dev-frontend`` and ``frontend`` → ``frontend``), or its Terraform compute's name; the platform
is ``platform``. Where two workloads would share a name, each gets the shortest qualifier that tells it
from the others: its namespace, or one folder of its configuration (the nearest folder that is not a
generic one such as ``k8s`` or ``overlays``). Names are at most 40 characters.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from ..knowledge.operator_stores import store_name
from ..model import Resource

MAX_LENGTH = 40


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def clip(name: str, limit: int = MAX_LENGTH) -> str:
    """``name`` cut to ``limit`` characters at a hyphen where it can be."""
    if len(name) <= limit:
        return name
    cut = name[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut[1:] else cut


def component_name(names: Sequence[str]) -> str:
    """The longest run of words all ``names`` share (prefixes and suffixes removed), else the shortest."""
    slugs = sorted({slug(n) for n in names if slug(n)}, key=lambda s: (len(s), s))
    if not slugs:
        return "workload"
    if len(slugs) == 1:
        return slugs[0]
    words = [s.split("-") for s in slugs]
    first = words[0]
    for size in range(len(first), 0, -1):
        for start in range(len(first) - size + 1):
            run = first[start : start + size]
            if all(_contains(other, run) for other in words[1:]):
                return "-".join(run)
    return slugs[0]


def _contains(words: list[str], run: list[str]) -> bool:
    return any(words[i : i + len(run)] == run for i in range(len(words) - len(run) + 1))


def unique_names(
    bases: Sequence[str], qualifiers: Sequence[Sequence[str]], generic: frozenset[str]
) -> list[str]:
    """One name per workload: its base, qualified where bases clash, numbered as a last resort.

    ``qualifiers[i]`` are workload i's candidate qualifiers, most telling first (its namespace, then its
    configuration's folders from the nearest). A workload takes the shortest candidate no other workload of
    the same base has, preferring names that are not generic folders; one without such a candidate takes
    its first candidate nobody took, else its nearest folders joined (``hub-project``); one without
    candidates (the root configuration) keeps the bare base. Linear in the workloads of one base."""
    bases = [clip(slug(b) or "workload") for b in bases]
    by_base: dict[str, list[int]] = defaultdict(list)
    for i, base in enumerate(bases):
        by_base[base].append(i)
    names = list(bases)
    for base, members in by_base.items():
        if len(members) < 2:
            continue
        candidates = {
            i: [q for q in dict.fromkeys(slug(q) for q in qualifiers[i]) if q and f"-{q}-" not in f"-{base}-"]
            for i in members
        }
        holders = Counter(q for i in members for q in set(candidates[i]))  # members having each qualifier
        chosen: dict[int, str] = {}
        for i in members:
            telling = [q for q in candidates[i] if holders[q] == 1]  # nobody else has it
            if telling:
                chosen[i] = min(telling, key=lambda q: (q in generic, len(q), q))
        used = set(chosen.values())
        for i in members:
            if i not in chosen:  # a qualifier some other workload lacks, and nobody took yet
                free = [q for q in candidates[i] if q not in used and holders[q] < len(members)]
                # else the nearest folders together (network-hub-project), before a number
                free = free or [q for q in _joined(candidates[i]) if q not in used]
                if free:
                    chosen[i] = free[0]
                    used.add(free[0])
        for i, qualifier in chosen.items():
            names[i] = _qualified(base, qualifier)
    result = []
    taken: set[str] = set()
    numbered: dict[str, int] = {}  # the next number to try per name: the ones before it are all taken
    for name in names:
        unique, n = name, numbered.get(name, 2)
        while unique in taken:
            suffix = f"-{n}"
            unique, n = clip(name, MAX_LENGTH - len(suffix)) + suffix, n + 1
        numbered[name] = n
        taken.add(unique)
        result.append(unique)
    return result


def _joined(qualifiers: Sequence[str]) -> list[str]:
    """The nearest two, three, … qualifiers as one, farthest first: ``[project, network-hub, hub]`` gives
    ``network-hub-project``, ``hub-network-hub-project``."""
    return ["-".join(reversed(qualifiers[:count])) for count in range(2, len(qualifiers) + 1)]


def _qualified(base: str, qualifier: str) -> str:
    """``base`` with ``qualifier`` after it; a qualifier that already names the base stands alone
    (``nginx`` in folder ``nginx-lvm`` → ``nginx-lvm``). The qualifier is cut, not the base."""
    if qualifier.startswith(f"{base}-") or qualifier.endswith(f"-{base}"):
        return clip(qualifier)
    room = MAX_LENGTH - len(base) - 1
    if room < 3:
        return clip(f"{base}-{qualifier}")
    return f"{base}-{clip(qualifier, room)}"


_GENERIC_NAMES = frozenset(
    {"this", "main", "default", "primary", "cluster", "app", "service", "function", "worker"}
)


def anchor_name(resource: Resource) -> str:
    """A readable workload name: the object's name, with module instance keys for Terraform."""
    if resource.source == "kubernetes":
        return slug(store_name(resource) or resource.name)  # books-postgresql beside the books app
    modules = module_calls(resource.address)
    parts = [key for _, key in modules if key]
    key = instance_key(resource)  # a for_each key names the instance; a count index only tells apart
    if key and not key.isdigit():
        parts.append(key)
    name = resource.name
    if name in _GENERIC_NAMES and modules and (not parts or name == "this"):
        # `this` inside a module call: the call names the component (module.rust_lambda_function), not
        # the type with a number (lambda-function-this-10); `worker` keyed "invoices" stays invoices-worker.
        return slug("-".join([modules[-1][0], *parts]))
    if not parts and name in _GENERIC_NAMES:
        kind = resource.type.split("_", 1)[-1]  # the type says what it is: google_container_cluster
        name = kind if kind == name or kind.endswith(f"_{name}") else f"{kind}-{name}"
    return slug("-".join([*parts, name]))


def module_calls(address: str) -> list[tuple[str, str]]:
    """The module calls in a Terraform address, outermost first, each with its instance key (or "")."""
    return re.findall(r'module\.([\w-]+)(?:\["?([^"\]]+)"?\])?', address)


def instance_key(resource: Resource) -> str | None:
    """The resource's own ``count`` index or ``for_each`` key (not its modules')."""
    found = re.search(r'\.[\w-]+\["?([^"\]]+)"?\]$', resource.address)
    return found.group(1) if found and resource.source == "terraform" else None
