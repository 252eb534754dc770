"""Benchmark of the scoring engine: ``python -m matching.bench`` from the project root.

Prints, for 10,000 × 2,000 and 50,000 × 10,000 (students × briefs) synthetic blocks, the batch
time with top-k kept both ways and the time of its floor, then the one-student page path and
the plain-Python reference. The last line holds the figures as key=value pairs.
docs/matching.md explains each figure; the floor is described in ``_floor``.
"""

from __future__ import annotations

import os

# One BLAS thread: the engine's BLAS calls are tiny, and its own threads do the parallel work.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from matching import scoring  # noqa: E402

N_SKILLS = 200
SKILLS_PER_CATEGORY = 10
N_CAUSES = 20
N_CITIES = 400
N_DEPARTEMENTS = 96
ACADEMIC_YEAR = date(2026, 9, 1).toordinal()


@dataclass(frozen=True)
class Synthetic:
    taxonomy: scoring.Taxonomy
    students: scoring.StudentBlock
    briefs: scoring.BriefBlock


def _popular(rng: np.random.Generator, rows: int, size: int, counts: np.ndarray) -> Any:
    """Sparse (rows × size) pattern with counts[i] distinct columns per row, drawn by a Zipf-like
    popularity (a few skills such as SQL or JavaScript are everywhere, most are rare)."""
    weights = 1.0 / np.arange(1, size + 1) ** 0.8
    # Gumbel top-k: the largest keys of log(weight) + Gumbel noise are a weighted sample
    # without replacement.
    keys = np.log(weights)[rng.permutation(size)] + rng.gumbel(size=(rows, size)).astype(np.float32)
    top = np.argsort(-keys, axis=1)[:, : counts.max()]
    take = np.arange(counts.max()) < counts[:, None]
    return np.repeat(np.arange(rows), counts), top[take]


def synthetic(n_students: int, n_briefs: int, seed: int = 0) -> Synthetic:
    rng = np.random.default_rng(seed)
    skill_ids = np.arange(1, N_SKILLS + 1) * 10
    related = []
    for category in range(N_SKILLS // SKILLS_PER_CATEGORY):
        members = skill_ids[category * SKILLS_PER_CATEGORY : (category + 1) * SKILLS_PER_CATEGORY]
        for skill in members:
            for other in rng.choice(members[members != skill], 3, replace=False):
                related.append((int(skill), int(other), float(rng.choice([0.3, 0.5, 0.7]))))
    taxonomy = scoring.Taxonomy.build(
        skill_ids=skill_ids.tolist(), cause_ids=range(1, N_CAUSES + 1), related=related
    )
    city_weights = 1.0 / np.arange(1, N_CITIES + 1)
    city_weights /= city_weights.sum()
    city_dept = rng.integers(1, N_DEPARTEMENTS + 1, N_CITIES)

    def cities(size: int) -> tuple[np.ndarray, np.ndarray]:
        city = rng.choice(N_CITIES, size, p=city_weights)
        return city + 1000, city_dept[city]

    n = n_students
    counts = rng.integers(5, 16, n)
    rows, cols = _popular(rng, n, N_SKILLS, counts)
    levels = rng.choice([1, 2, 3, 4], rows.size, p=[0.25, 0.35, 0.28, 0.12])
    cause_counts = rng.integers(0, 5, n)
    c_rows, c_cols = _popular(rng, n, N_CAUSES, cause_counts)
    semester = rng.choice([0, 120, 150], n, p=[0.5, 0.2, 0.3])
    available_from = ACADEMIC_YEAR + semester + rng.integers(0, 30, n)
    city, dept = cities(n)
    students = scoring.StudentBlock.from_arrays(
        taxonomy,
        ids=np.arange(n) + 1,
        skill_levels=(levels, (rows, cols)),
        hours_per_week=rng.integers(3, 21, n).astype(np.float64),
        available_from=available_from,
        available_to=available_from + 7 * rng.integers(8, 37, n),
        city=city,
        departement=dept,
        remote_preference=rng.choice([0, 1, 2], n, p=[0.3, 0.2, 0.5]),
        causes=(np.ones(c_rows.size), (c_rows, c_cols)),
    )

    m = n_briefs
    counts = rng.integers(3, 9, m)
    rows, cols = _popular(rng, m, N_SKILLS, counts)
    levels = rng.choice([1, 2, 3, 4], rows.size, p=[0.15, 0.4, 0.3, 0.15])
    importance = rng.choice([1.0, 2.0, 3.0], rows.size, p=[0.3, 0.4, 0.3])
    cause_counts = rng.integers(1, 4, m)
    c_rows, c_cols = _popular(rng, m, N_CAUSES, cause_counts)
    start = ACADEMIC_YEAR + rng.integers(-30, 300, m)
    city, dept = cities(m)
    briefs = scoring.BriefBlock.from_arrays(
        taxonomy,
        ids=np.arange(m) + 1,
        required_levels=(levels, (rows, cols)),
        importance=(importance, (rows, cols)),
        effort_hours=np.round(np.exp(rng.uniform(np.log(20), np.log(300), m))),
        start=start,
        end=start + 7 * rng.integers(4, 27, m),
        mode=rng.choice([0, 1, 2], m, p=[0.4, 0.3, 0.3]),
        city=city,
        departement=dept,
        causes=(np.ones(c_rows.size), (c_rows, c_cols)),
        open=rng.random(m) < 0.97,
    )
    return Synthetic(taxonomy, students, briefs)
