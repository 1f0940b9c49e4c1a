"""The engine's SQL, written once in DuckDB's dialect, translated by sqlglot to another engine's.

sqlglot translates the syntax (casts, `string_agg`, windows, `VALUES`); what it cannot spell
exactly is kept by hand in `Dialect`: the exact quantiles (`quantile_cont(x, [..])[i]` becomes
`Dialect.quantiles` / `Dialect.item`, e.g. Spark's exact `percentile(x, array(..))[i - 1]`,
where sqlglot would keep the 1-based index); `_portable` names what DuckDB lets a query
leave unnamed (subquery aliases, `GROUP BY ALL`); the functions of reading a source
(`nfc_normalize`, `epoch_us`, `hash`, `timezone`) are spelled by `Dialect` too. Translations
are cached: the analyses send the same texts many times.
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


def _source_function(node: Any, dialect: Dialect) -> Any:
    """`node` spelled by `dialect` when it calls one of the DuckDB functions of reading a
    source that have no standard spelling (`nfc_normalize`, `epoch_us`, `hash`, `timezone`)."""
    from sqlglot import exp

    if not isinstance(node, exp.Anonymous):
        return node
    name = str(node.name).lower()
    args = [  # inner calls first
        a.transform(lambda inner: _source_function(inner, dialect)).sql(dialect=dialect.sqlglot)
        for a in node.expressions
    ]
    if name == "nfc_normalize" and len(args) == 1:
        text = dialect.nfc.format(x=args[0])
    elif name == "epoch_us" and len(args) == 1:
        text = dialect.epoch_us.format(x=args[0])
    elif name == "hash" and args:
        text = dialect.hash.format(x=", ".join(args))
    elif name == "timezone" and len(args) == 2:
        text = dialect.zoned.format(zone=args[0], x=args[1])
    else:
        return node
    return exp.var(f"({text})")  # printed as is


def _portable(tree: Any) -> Any:
    """`tree` without two DuckDB conveniences sqlglot keeps as they are: a subquery in FROM
    or JOIN gets an alias (`q_1`, …), and `GROUP BY ALL` names the select items that hold no
    aggregate by their positions."""
    from sqlglot import exp

    for i, sub in enumerate(list(tree.find_all(exp.Subquery)), start=1):
        if not sub.alias and isinstance(sub.parent, (exp.From, exp.Join)):
            sub.set("alias", exp.TableAlias(this=exp.to_identifier(f"q_{i}")))
    for select in list(tree.find_all(exp.Select)):
        group = select.args.get("group")
        if group is None or not group.args.get("all"):
            continue
        keys = [
            exp.Literal.number(i)
            for i, item in enumerate(select.expressions, start=1)
            if not item.find(exp.AggFunc)
        ]
        select.set("group", exp.Group(expressions=keys) if keys else None)
    return tree


@lru_cache(maxsize=512)
def translate(sql: str, dialect: Dialect) -> str:
    """`sql` (DuckDB's dialect) in `dialect`'s SQL (itself where `dialect` runs DuckDB's)."""
    if dialect.sqlglot is None:
        return sql
    import sqlglot
    from sqlglot.errors import ErrorLevel

    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = _portable(tree).transform(lambda node: _quantile_item(node, dialect))
    tree = tree.transform(lambda node: _source_function(node, dialect))
    # what sqlglot cannot translate fails here rather than running inexactly
    text: str = tree.sql(dialect=dialect.sqlglot, unsupported_level=ErrorLevel.RAISE)
    return text
