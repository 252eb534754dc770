"""The student-optimal stable matching: algorithm SPA-student (Abraham, Irving & Manlove 2007).

    while some student s is free and has a non-empty list:
        s applies to the first brief p on its list; l offers p; assign s to p
        if p is over-subscribed:   reject the worst student of p
        elif l is over-subscribed: reject the worst student of l (from whichever brief)
        if p is full: delete (t, p) for every t that l ranks below p's worst student
        if l is full: delete (t, q) for every brief q of l and t ranked below l's worst

The result does not depend on the order students apply in. The deletions are lazy: a brief
keeps a cut-off position in its own ranking (the organisation's ranking restricted to the
students who listed it) and an organisation a cut-off rank; an edge is alive while the student
is within both. Cut-offs only move up the ranking, and every member of a brief (organisation)
stays at or above its cut-off, so the worst member is found by a pointer that only ever moves
up from the cut-off: each list is walked at most once, and the whole run is linear in the
total length of the preference lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matching.allocation import AllocationInstance, IntArray


def student_optimal_stable(instance: AllocationInstance) -> IntArray:
    """The brief index per student (-1 when unplaced) of the student-optimal stable matching."""
    n_students = instance.n_students
    pref_brief = instance.pref_brief
    edge_student = instance.edge_student
    rank = instance.edge_org_rank
    edge_org = instance.brief_organisation[pref_brief]

    # Each brief's list: its applicants in the organisation's order, concatenated (CSR).
    by_brief = np.lexsort((rank, pref_brief))
    brief_start = np.searchsorted(pref_brief[by_brief], np.arange(instance.n_briefs + 1))
    edge_brief_pos = np.empty(len(by_brief), dtype=np.int64)
    edge_brief_pos[by_brief] = np.arange(len(by_brief))
    brief_member = edge_student[by_brief]

    # Each organisation's list: the distinct students who listed one of its briefs, by rank.
    by_org = np.lexsort((rank, edge_org))
    org_sorted, rank_sorted = edge_org[by_org], rank[by_org]
    first = np.ones(len(by_org), dtype=bool)
    first[1:] = (org_sorted[1:] != org_sorted[:-1]) | (rank_sorted[1:] != rank_sorted[:-1])
    org_member = edge_student[by_org][first]
    org_member_rank = rank_sorted[first]
    org_start = np.searchsorted(org_sorted[first], np.arange(instance.n_organisations + 1))

    # Plain lists: indexing numpy arrays one element at a time is several times slower.
    ptr = instance.pref_ptr.tolist()
    pb = pref_brief.tolist()
    e_pos = edge_brief_pos.tolist()
    e_rank = rank.tolist()
    b_org = instance.brief_organisation.tolist()
    b_cap = instance.brief_capacity.tolist()
    o_cap = instance.organisation_capacity.tolist()
    b_member = brief_member.tolist()
    o_member = org_member.tolist()
    o_rank = org_member_rank.tolist()

    # Cut-offs: a brief or organisation of capacity 0 accepts nobody.
    b_cut = [
        (end - 1 if cap > 0 else start - 1)
        for start, end, cap in zip(
            brief_start[:-1].tolist(), brief_start[1:].tolist(), b_cap, strict=True
        )
    ]
    no_cut = len(instance.ranking_student)  # above every rank
    o_cut = [no_cut if cap > 0 else -1 for cap in o_cap]
    o_scan = [end - 1 for end in org_start[1:].tolist()]  # at or below the worst member
    b_count = [0] * instance.n_briefs
    o_count = [0] * instance.n_organisations
    in_brief = [-1] * n_students
    in_org = [-1] * n_students
    next_edge = ptr[:-1]
    free = [s for s in range(n_students - 1, -1, -1) if ptr[s] < ptr[s + 1]]

    while free:
        s = free.pop()
        e, end = next_edge[s], ptr[s + 1]
        while e < end:
            b = pb[e]
            if e_pos[e] <= b_cut[b] and e_rank[e] <= o_cut[b_org[b]]:
                break
            e += 1
        next_edge[s] = e
        if e == end:
            continue  # every choice deleted: s stays unplaced
        b = pb[e]
        org = b_org[b]
        in_brief[s], in_org[s] = b, org
        b_count[b] += 1
        o_count[org] += 1

        if b_count[b] > b_cap[b]:
            q = b_cut[b]
            while in_brief[b_member[q]] != b:
                q -= 1
            b_cut[b] = q  # p is full again below: the search for its new worst resumes here
            worst = b_member[q]
            in_brief[worst] = in_org[worst] = -1
            b_count[b] -= 1
            o_count[org] -= 1
            free.append(worst)
        elif o_count[org] > o_cap[org]:
            q = o_scan[org]
            while in_org[o_member[q]] != org:
                q -= 1
            o_scan[org] = q
            worst = o_member[q]
            b_count[in_brief[worst]] -= 1
            o_count[org] -= 1
            in_brief[worst] = in_org[worst] = -1
            free.append(worst)

        if b_count[b] == b_cap[b]:
            q = b_cut[b]
            while in_brief[b_member[q]] != b:
                q -= 1
            b_cut[b] = q
        if o_count[org] == o_cap[org]:
            q = o_scan[org]
            while in_org[o_member[q]] != org:
                q -= 1
            o_scan[org] = q
            o_cut[org] = o_rank[q]

    return np.array(in_brief, dtype=np.int64)
