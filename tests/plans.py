"""Reading PostgreSQL's EXPLAIN (FORMAT JSON) output in tests that check a statement's plan."""


def plan_nodes(plan: dict):
    """Every node of an EXPLAIN (FORMAT JSON) plan, depth first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)
