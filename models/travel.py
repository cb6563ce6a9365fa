"""Travel between schools: a road graph (or a full time matrix) and shortest travel times."""

from __future__ import annotations

from functools import cached_property

import networkx as nx
from pydantic import ConfigDict, Field

from models.base import Frozen


class TravelEdge(Frozen):
    """A road (or a direct trip) between two places, in minutes, both ways."""

    a: str = Field(alias="from")
    b: str = Field(alias="to")
    minutes: int = Field(ge=0)


class TravelTimes(Frozen):
    """Shortest travel minutes between places, computed once with networkx (Dijkstra)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, ignored_types=(cached_property,))

    edges: tuple[TravelEdge, ...] = ()

    @cached_property
    def _graph(self) -> nx.Graph:
        graph = nx.Graph()
        for edge in self.edges:
            if graph.has_edge(edge.a, edge.b):
                graph[edge.a][edge.b]["minutes"] = min(graph[edge.a][edge.b]["minutes"], edge.minutes)
            else:
                graph.add_edge(edge.a, edge.b, minutes=edge.minutes)
        return graph

    @cached_property
    def _distances(self) -> dict[str, dict[str, int]]:
        return {src: dict(d) for src, d in nx.all_pairs_dijkstra_path_length(self._graph, weight="minutes")}

    def minutes(self, a: str, b: str) -> int | None:
        """Shortest minutes from ``a`` to ``b``; 0 for the same place; None when unreachable."""
        if a == b:
            return 0
        return self._distances.get(a, {}).get(b)

    def places(self) -> set[str]:
        return set(self._graph.nodes)

    def components(self) -> list[set[str]]:
        return [set(c) for c in nx.connected_components(self._graph)]
