"""Split a scenario into independent parts: schools coupled by shared teachers, sync lessons, research groups.

Schools are nodes of a networkx graph; a teacher who teaches classes at several schools, a
synchronized lesson and a research block's group each join their schools. Each connected
component can be solved on its own, and the parts' timetables together are the county's.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx

from models import Scenario
from models.assignment import Assignment
from constraints.index import research_group


@dataclass(frozen=True)
class PartPlan:
    id: str
    schools: tuple[str, ...]
    sync_ids: tuple[str, ...]
    block_ids: tuple[str, ...]
    classes: int


def _join(graph: nx.Graph, schools: set[str]) -> None:
    ordered = sorted(schools)
    graph.add_edges_from(zip(ordered, ordered[1:]))


def split_parts(scenario: Scenario, assignment: Assignment) -> list[PartPlan]:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(s.id for s in scenario.schools))
    school_of_class = {c.id: c.school for c in scenario.classes}
    teaches_at: dict[str, set[str]] = {}
    for (class_id, _subject), teacher in sorted(assignment.teacher_of.items()):
        teaches_at.setdefault(teacher, set()).add(school_of_class[class_id])
    for sync in scenario.sync_lessons:
        teaches_at.setdefault(assignment.sync_teacher[sync.id], set()).add(school_of_class[sync.teaching_class])
        _join(graph, {school_of_class[c] for c in (sync.teaching_class, *sync.receiving_classes)})
    for schools in teaches_at.values():
        _join(graph, schools)
    block_home: dict[str, str] = {}
    for block in scenario.research_blocks:
        schools = set(itertools.chain.from_iterable(teaches_at.get(t, ()) for t in research_group(scenario, assignment, block)))
        if not schools:
            # Nobody of the group teaches: attach the block to its consortium's first school (any will do).
            schools = {min(s.id for s in scenario.schools if block.consortium in (None, s.consortium))}
        _join(graph, schools)
        block_home[block.id] = min(schools)
    consortium_of = {s.id: s.consortium for s in scenario.schools}
    classes_at = {s.id: 0 for s in scenario.schools}
    for klass in scenario.classes:
        classes_at[klass.school] += 1
    plans = []
    for component in sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: c[0]):
        members = set(component)
        consortia = "+".join(sorted({consortium_of[s] for s in component}))
        plans.append(PartPlan(
            id=consortia, schools=tuple(component),
            sync_ids=tuple(sorted(s.id for s in scenario.sync_lessons if school_of_class[s.teaching_class] in members)),
            block_ids=tuple(sorted(b for b, home in block_home.items() if home in members)),
            classes=sum(classes_at[s] for s in component)))
    # Several parts of one consortium (e.g. schools sharing no teacher) get numbered ids.
    counts: dict[str, int] = {}
    numbered = []
    for plan in plans:
        counts[plan.id] = counts.get(plan.id, 0) + 1
    seen: dict[str, int] = {}
    for plan in plans:
        if counts[plan.id] > 1:
            seen[plan.id] = seen.get(plan.id, 0) + 1
            plan = PartPlan(f"{plan.id}#{seen[plan.id]}", plan.schools, plan.sync_ids, plan.block_ids, plan.classes)
        numbered.append(plan)
    return numbered
