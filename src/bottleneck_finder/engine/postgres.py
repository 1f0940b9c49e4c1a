"""PostgreSQL as the engine: the event tables in TEMP tables of one connection, results fetched.

The connection comes from a libpq connection string or URL (`--database`) and the usual libpq
environment (PGHOST, PGUSER, PGPASSWORD, ~/.pgpass …); no password is ever written or shown
here. Arrow tables reach the server by COPY in CSV; the queries are translated from DuckDB's
SQL by `translate`.
"""

from __future__ import annotations

import io
from typing import Any

from . import POSTGRES, Engine

# Arrow type names to PostgreSQL column types (the event tables hold only these)
_TYPES = {
    "int8": "smallint",
    "int16": "smallint",
    "int32": "integer",
    "int64": "bigint",
    "bool": "boolean",
    "float": "real",
    "double": "double precision",
    "string": "text",
    "large_string": "text",
}
# PostgreSQL type OIDs of results to Arrow types (numeric sums and means become doubles)
_RESULT_TYPES = {16: "bool", 20: "int64", 21: "int64", 23: "int64", 25: "string"}
_RESULT_TYPES |= {19: "string", 1042: "string", 1043: "string"}  # name, char(n), varchar
# column type OIDs of a source table to the SQL type names `engine.source_sql` reads
_SOURCE_TYPES = {
    1082: "DATE",
    1114: "TIMESTAMP",
    1184: "TIMESTAMP WITH TIME ZONE",
    16: "BOOLEAN",
    20: "BIGINT",
    21: "SMALLINT",
    23: "INTEGER",
    700: "REAL",
    701: "DOUBLE",
    1700: "NUMERIC",
}


class PostgresEngine(Engine):
    """One PostgreSQL session; its TEMP tables vanish when it closes."""

    dialect = POSTGRES

    def __init__(self, database: str | None = None) -> None:
        """`database`: a libpq connection string or URL (None: the PG* variables alone)."""
        import psycopg

        super().__init__()
        self.con: Any = psycopg.connect(database or "", autocommit=True)
        self.con.execute("SET TIME ZONE 'UTC'")

    def _drop(self, name: str) -> None:
        # only this session's own tables, never a table of the database of the same name
        self.con.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        self._registered.pop(name, None)
        self._materialized.discard(name)

    def register(self, name: str, table: Any) -> None:
        import pyarrow.csv as pacsv

        self._drop(name)
        columns = ", ".join(f"{f.name} {_TYPES[str(f.type)]}" for f in table.schema)
        self.con.execute(f"CREATE TEMP TABLE {name} ({columns})")
        buffer = io.BytesIO()
        pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
        with self.con.cursor() as cur, cur.copy(f"COPY {name} FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getbuffer())
        self.con.execute(f"ANALYZE {name}")
        self._registered[name] = None

    def drop(self, name: str) -> None:
        if self.has_table(name):
            self._drop(name)

    def materialize(self, name: str, sql: str) -> None:
        scratch = f"{name}__new"
        self.con.execute(f"DROP TABLE IF EXISTS pg_temp.{scratch}")
        self.con.execute(f"CREATE TEMP TABLE {scratch} AS {self.run_text(sql)}")
        self._drop(name)
        self.con.execute(f"ALTER TABLE {scratch} RENAME TO {name}")
        self.con.execute(f"ANALYZE {name}")
        self._materialized.add(name)

    def execute(self, statement: str) -> None:
        self.con.execute(statement)

    def schema(self, relation: str) -> list[tuple[str, str]]:
        with self.con.cursor() as cur:
            cur.execute(f"SELECT * FROM {relation} AS bn_s LIMIT 0")
            description = cur.description
        return [(d.name, _SOURCE_TYPES.get(d.type_code, "VARCHAR")) for d in description]

    def arrow(self, sql: str) -> Any:
        import pyarrow as pa

        with self.con.cursor() as cur:
            cur.execute(self.run_text(sql))
            rows = cur.fetchall()
            description = cur.description
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
        arrays = []
        for column, desc in zip(columns, description, strict=True):
            kind = _RESULT_TYPES.get(desc.type_code, "double")
            values = column
            if kind == "double":  # numeric and double precision alike
                values = tuple(None if v is None else float(v) for v in column)
            arrays.append(pa.array(values, type=pa.type_for_alias(kind)))
        return pa.table(arrays, names=[d.name for d in description])

    def close(self) -> None:
        self.con.close()
