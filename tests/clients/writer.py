#!/usr/bin/python3
"""One application writing through psycopg 3 with every statement prepared on the server.

Usage: writer.py URL SPEC_JSON LOG STOP

SPEC_JSON holds three statements with $1/$2 placeholders: "insert" (params: name, value;
returns the row), "update" (params: id, value; returns the row) and "select" (param: id).
Each committed write is appended to LOG as "id<TAB>value". The loop ends when the file STOP
exists; the last line on stdout is a JSON summary: operations, errors, the first error, and
whether the shape of `select` ever changed.
"""
import json
import os
import re
import sys

import psycopg

url, spec_json, log_path, stop_path = sys.argv[1:5]
spec = json.loads(spec_json)


def to_psycopg(sql):
    """$n -> %s, psycopg's own placeholders (still one prepared statement on the server), with
    the order in which the parameters must be passed."""
    order = [int(n) for n in re.findall(r"\$(\d)", sql)]
    return re.sub(r"\$\d", "%s", sql), order


def run(cur, statement, params):
    sql, order = statement
    cur.execute(sql, [params[n - 1] for n in order], prepare=True)


ins, upd, sel = (to_psycopg(spec[k]) for k in ("insert", "update", "select"))
ops = errors = 0
first_error = None
shape = None
shape_changed = False
mine = []
# prepare_threshold=0: every statement is prepared on the server at its first execution.
with psycopg.connect(url, autocommit=True, prepare_threshold=0) as conn, open(log_path, "a") as log:
    i = 0
    while not os.path.exists(stop_path):
        i += 1
        try:
            with conn.cursor() as cur:
                if i % 3 == 1 or not mine:
                    run(cur, ins, (f"py-{os.getpid()}-{i}", str(1000 + i)))
                    row = cur.fetchone()
                    names = [d.name for d in cur.description]
                    mine.append(row[names.index("id")])
                    log.write(f"{row[names.index('id')]}\t{1000 + i}\n")
                else:
                    target = mine[i % len(mine)]
                    run(cur, upd, (target, str(2000 + i)))
                    log.write(f"{target}\t{2000 + i}\n")
                log.flush()
                run(cur, sel, (mine[-1],))
                cur.fetchone()
                names = [d.name for d in cur.description]
                if shape is None:
                    shape = names
                elif names != shape:
                    shape_changed = True
            ops += 1
        except psycopg.Error as e:
            errors += 1
            first_error = first_error or f"{type(e).__name__}: {e}".strip()
print(json.dumps({"operations": ops, "errors": errors, "first_error": first_error,
                  "shape": shape, "shape_changed": shape_changed}))
