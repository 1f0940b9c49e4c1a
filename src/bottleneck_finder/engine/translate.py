"""The engine's SQL, written once in DuckDB's dialect, translated by sqlglot to another engine's.

sqlglot translates the syntax (casts, `string_agg`, windows, `VALUES`); what it cannot spell
exactly is kept by hand in `Dialect`: the exact quantiles (`quantile_cont(x, [..])[i]` becomes
`Dialect.quantiles` / `Dialect.item`, e.g. Spark's exact `percentile(x, array(..))[i - 1]`,
where sqlglot would keep the 1-based index). Translations are cached: the analyses send the
same texts many times.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from . import Dialect


def _quantile_item(node: Any, dialect: Dialect) -> Any:
    """`node` spelled by `dialect` when it is `(quantile_cont(x, [q, ..]))[i]`, else itself."""
    from sqlglot import exp

    if not isinstance(node, exp.Bracket) or len(node.expressions) != 1:
        return node
    inner = node.this.unnest()
    index = node.expressions[0]
    if not (
        isinstance(inner, exp.PercentileCont)
        and isinstance(inner.expression, exp.Array)
        and isinstance(index, exp.Literal)
    ):
        return node
    target = dialect.sqlglot
    x = inner.this.sql(dialect=target)
    qs = ", ".join(q.sql(dialect=target) for q in inner.expression.expressions)
    text = dialect.item.format(list=f"({dialect.quantiles.format(x=x, qs=qs)})", i=index.name)
    return exp.var(f"({text})")  # printed as is


@lru_cache(maxsize=512)
def translate(sql: str, dialect: Dialect) -> str:
    """`sql` (DuckDB's dialect) in `dialect`'s SQL (itself where `dialect` runs DuckDB's)."""
    if dialect.sqlglot is None:
        return sql
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(lambda node: _quantile_item(node, dialect))
    text: str = tree.sql(dialect=dialect.sqlglot)
    return text
