"""The `bottleneck anonymize` command: a pseudonymized copy of a log to share with a consultant."""

from __future__ import annotations

import os
from pathlib import Path

import click

from . import options as opt
from .loading import stem


def _names(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


@click.command(
    epilog="Examples:\n\n\b\n"
    "  bottleneck anonymize export.csv -o shared/export.csv --new-key ~/.bottleneck.key\n"
    "  bottleneck anonymize export.csv -o shared/export.csv --key-file ~/.bottleneck.key \\\n"
    "      --pseudonymize so_cccd --drop ghi_chu\n"
    "  BOTTLENECK_KEY=... bottleneck anonymize log.xes.gz -o shared/log.xes.gz\n\n"
    "Case ids and resources (and the --pseudonymize columns) become keyed pseudonyms such as "
    "res-3f9c0a1b2d4e5f60 (HMAC-SHA256 with your secret key, so the same person gets the same "
    "pseudonym in every export made with the same key); times, activities and other columns "
    "are kept; a unit with fewer than --min-unit-size officers becomes unit-other. CSV, XES and "
    "Parquet in, the same format out. The input is never changed."
)
@click.argument("log", type=click.Path(path_type=Path))
@opt.output_option("reports/<log name>-anonymized.<same extension>", file=True)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding your secret key (else $BOTTLENECK_KEY).",
)
@click.option(
    "--new-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Make a new secret key, save it in this file (owner-only), and use it.",
)
@click.option("--case", help="Column with the case (dossier) id (default: detected).")
@click.option("--resource", help="Column with the officer / resource (default: detected).")
@click.option("--group", help="Column with the unit / role (default: detected).")
@click.option("--pseudonymize", help="More columns to pseudonymize, comma-separated.")
@click.option("--drop", help="Columns to leave out (free text, ID numbers), comma-separated.")
@opt.min_unit_size_option(
    "Units (--group column) with fewer officers are renamed unit-other: a unit of one officer "
    "names that officer. 1 keeps every unit."
)
@click.option("--encoding", help="Text encoding of a CSV file (default: detected).")
@click.option("--sheet", help="Sheet of a workbook: its name or number from 1 (default: first).")
@opt.lang_option(text="Language of the lines printed; the log written is the same in both.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def anonymize(
    log: Path,
    output: Path | None,
    key_file: Path | None,
    new_key: Path | None,
    case: str | None,
    resource: str | None,
    group: str | None,
    pseudonymize: str | None,
    drop: str | None,
    min_unit_size: int,
    encoding: str | None,
    sheet: str | None,
    lang: str,
    quiet: bool,
) -> None:
    """Write a copy of LOG with case ids and officers replaced by keyed pseudonyms."""
    from .. import anonymize as anon
    from ..columns import LogColumns
    from ..errors import OutputError
    from ..io.read import read_log
    from ..io.write import write_files

    if key_file is not None and new_key is not None:
        raise click.UsageError("give either --key-file or --new-key, not both")
    raw = read_log(log, encoding=encoding, sheet=sheet)
    suffix = "".join(log.suffixes[-2:]) if log.name.lower().endswith(".gz") else log.suffix
    if raw.format == "spreadsheet":  # a workbook's sheet is written as CSV
        suffix = ".csv"
        if output is not None and not output.name.lower().endswith((".csv", ".csv.gz")):
            raise click.UsageError("a workbook is anonymized as CSV: give -o with a .csv name")
    target = output or Path("reports") / f"{stem(log)}-anonymized{suffix or '.csv'}"
    if anon.same_file(log, target):
        raise OutputError(
            "the output would replace the input log",
            fix="choose another -o file; the input is never overwritten",
            source=str(target),
        )
    if new_key is not None:
        key = anon.new_key().encode("utf-8")
    else:
        key = anon.read_key(key_file, os.environ)
    given = LogColumns(case=case, resource=resource, group=group)
    result = anon.anonymize_table(
        raw,
        key,
        given,
        also=_names(pseudonymize),
        drop=_names(drop),
        min_unit_size=min_unit_size,
    )
    data = anon.encode(result, raw, target)
    if new_key is not None:
        anon.save_new_key(new_key, key.decode("utf-8"))
    try:
        write_files(target.parent, {target.name: data})
    except OutputError:
        if new_key is not None:  # a key for a log that was never written is a stray output
            new_key.unlink(missing_ok=True)
        raise
    if quiet:
        return
    w = opt.words_for(lang)
    if new_key is not None:
        click.echo(w("anon_new_key", path=new_key), err=True)
    replaced = ", ".join(
        w("anon_values", column=c, count=w.count(n)) for c, n in result.replaced.items()
    )
    click.echo(w("anon_replaced", replaced=replaced))
    if result.merged_units:
        click.echo(
            w(
                "anon_merged_units",
                count=w.count(result.merged_units),
                column=result.unit_column,
                k=min_unit_size,
                other=anon.OTHER_UNITS,
            )
        )
    if result.dropped:
        click.echo(w("anon_dropped", columns=", ".join(result.dropped)))
    click.echo(w("wrote", files=target))
