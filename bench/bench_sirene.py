"""Sirene import throughput: the filter-and-join of a zipped Sirene pair (StockEtablissement +
StockUniteLegale, generated with INSEE's real headers by bench/data/gen_sirene.py), in rows per second and
peak memory, and DuckDB doing the same filter and join on the same zipped files for comparison.

    .venv/bin/python bench/bench_sirene.py [N establishments]   (default 10,000,000; legal units = 0.8 N)

The files are generated once into bench/data/.cache/ (not committed) and reused. Each reader runs in its own
child process, so its peak resident memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

COMMUNES = {
    "06002", "06003", "06007", "06024", "06026", "06028", "06045", "06058", "06063", "06069", "06081",
    "06084", "06087", "06090", "06095", "06108", "06116", "06118", "06130", "06134", "06137", "06140",
    "06154",
}  # fmt: skip


def _ours(etab: str, unit: str, queue: mp.Queue) -> None:
    import os
    import tempfile

    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["MAILLAGE_SQLITE_PATH"] = str(Path(tempfile.gettempdir()) / "maillage-bench-sirene.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()  # the reader lives in the app (no database is touched)
    from maillage.actors import sirene

    stats = sirene.SireneStats()
    start = time.perf_counter()
    rows = sirene.sirene_rows(etab, unit, COMMUNES, stats=stats)
    elapsed = time.perf_counter() - start
    queue.put(
        {
            "seconds": elapsed,
            "rows": len(rows),
            "establishment_rows": stats.establishment_rows,
            "unit_rows": stats.unit_rows,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def _duckdb(etab: str, unit: str, queue: mp.Queue, workdir: str) -> None:
    import duckdb

    start = time.perf_counter()
    # DuckDB cannot read inside a zip: it streams the unzipped member from a pipe is not possible either,
    # so it gets the files unzipped to disk (the unzip time is counted).
    paths = []
    for path in (etab, unit):
        with zipfile.ZipFile(path) as archive:
            name = archive.namelist()[0]
            archive.extract(name, workdir)
            paths.append(str(Path(workdir) / name))
    codes = ",".join(f"'{c}'" for c in sorted(COMMUNES))
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    count = con.execute(
        f"""
        WITH e AS (
          SELECT siren, siret FROM read_csv('{paths[0]}', header=true, all_varchar=true)
          WHERE codeCommuneEtablissement IN ({codes}) AND etatAdministratifEtablissement = 'A'
            AND statutDiffusionEtablissement = 'O'
        ), u AS (
          SELECT siren FROM read_csv('{paths[1]}', header=true, all_varchar=true)
          WHERE economieSocialeSolidaireUniteLegale = 'O' AND statutDiffusionUniteLegale = 'O'
            AND etatAdministratifUniteLegale = 'A' AND NOT starts_with(categorieJuridiqueUniteLegale, '1')
        )
        SELECT count(*) FROM e JOIN u USING (siren)
        """  # noqa: S608
    ).fetchone()[0]
    elapsed = time.perf_counter() - start
    for p in paths:
        Path(p).unlink()
    queue.put(
        {
            "seconds": elapsed,
            "rows": count,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def run(target, *args) -> dict:
    queue: mp.Queue = mp.Queue()
    process = mp.Process(
        target=target, args=(*args, queue) if target is _ours else (args[0], args[1], queue, args[2])
    )
    process.start()
    result = queue.get()
    process.join()
    return result


def main(n: int) -> None:
    from data.gen_sirene import generate

    cache = ROOT / "bench" / "data" / ".cache" / f"sirene-{n}"
    etab, unit = cache / "StockEtablissement_utf8.zip", cache / "StockUniteLegale_utf8.zip"
    if not (etab.exists() and unit.exists()):
        start = time.perf_counter()
        generate(cache, n, zipped=True)
        print(f"generated {n:,} establishments in {time.perf_counter() - start:.0f} s")
    ours = run(_ours, str(etab), str(unit))
    rate = ours["establishment_rows"] / ours["seconds"]
    print(
        f"maillage: {ours['establishment_rows']:,} establishments + {ours['unit_rows']:,} legal units → "
        f"{ours['rows']:,} structures in {ours['seconds']:.1f} s = {rate:,.0f} establishment rows/s, "
        f"peak {ours['peak_mb']:.0f} MB"
    )
    duck = run(_duckdb, str(etab), str(unit), str(cache))
    print(
        f"duckdb:   {duck['rows']:,} joined rows in {duck['seconds']:.1f} s (unzip included), "
        f"peak {duck['peak_mb']:.0f} MB; "
        f"maillage / duckdb time ratio = {ours['seconds'] / duck['seconds']:.2f}"
    )
    print(json.dumps({"n": n, "maillage": ours, "duckdb": duck}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
