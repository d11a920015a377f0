"""Edges from the parts of an operator's data store to the store (``knowledge/operator_stores.py``).

- ``part-of``  a CloudNativePG ScheduledBackup or Pooler → its Cluster (``spec.cluster.name``), a Strimzi
               KafkaTopic, KafkaUser or KafkaNodePool → its Kafka (the ``strimzi.io/cluster`` label), …

A part moves no earlier than its store, and joins the store's workload unless a workload needs it (a
KafkaUser whose Secret a consumer reads).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from exitplan.graph.index import edge
from exitplan.knowledge.operator_stores import operator_part, parts_by_store
from exitplan.model import Edge, Resource


def operator_edges(resources: Sequence[Resource]) -> Iterator[Edge]:
    by_id = {r.id: r for r in resources if r.source == "kubernetes"}
    for store, parts in sorted(parts_by_store(by_id.values()).items()):
        for part in parts:
            found = operator_part(part)
            if found is None:
                continue
            rule = found[1]
            path = (
                ("metadata", "labels", rule.label)
                if rule.label
                else tuple(s for s in rule.name_at or () if s)
            )
            yield edge(part, by_id[store], "part-of", path)
