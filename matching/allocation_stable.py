"""The student-optimal stable matching: algorithm SPA-student (Abraham, Irving & Manlove 2007).

    while some student s is free and has a non-empty list:
        s applies to the first brief p on its list; l offers p; assign s to p
        if p is over-subscribed:   reject the worst student of p
        elif l is over-subscribed: reject the worst student of l (from whichever brief)
        if p is full: delete (t, p) for every t that l ranks below p's worst student
        if l is full: delete (t, q) for every brief q of l and t ranked below l's worst

The result does not depend on the order students apply in. The deletions are lazy: a brief
and an organisation each keep a cut-off rank, and an edge is alive while the student is
within both. Cut-offs only move up the ranking, and every member of a brief (organisation)
stays at or above its cut-off, so the worst member is found by a pointer that only ever moves
up its list — the brief's applicants in the organisation's order, the organisation's whole
ranking: each list is walked at most once, and the whole run is linear in the size of the
input.

Plain Python lists throughout: the loop reads one element at a time, which is several times
slower from numpy arrays, and the command line does not import numpy at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matching.allocation import AllocationInstance


def student_optimal_stable(instance: AllocationInstance) -> list[int]:
    """The brief index per student (-1 when unplaced) of the student-optimal stable matching."""
    ptr = instance.pref_ptr_list
    pb = instance.pref_brief_list
    e_rank = instance.edge_org_rank_list
    b_org = instance.brief_organisation_list
    b_cap = instance.brief_capacity_list
    o_cap = instance.organisation_capacity_list
    r_ptr = instance.ranking_ptr_list
    r_student = instance.ranking_student_list

    # Each brief's applicants, by their ranks in its organisation (distinct), best first;
    # the applicant of rank r is r_student[r_ptr[org] + r].
    applicants: list[list[int]] = [[] for _ in b_cap]
    for b, rank in zip(pb, e_rank, strict=True):
        applicants[b].append(rank)
    for ranks in applicants:
        ranks.sort()
    b_scan = [len(ranks) - 1 for ranks in applicants]  # at or below the brief's worst member

    # Cut-offs: a brief or organisation of capacity 0 accepts nobody.
    no_cut = len(r_student)  # above every rank
    b_cut = [no_cut if cap > 0 else -1 for cap in b_cap]
    o_cut = [no_cut if cap > 0 else -1 for cap in o_cap]
    o_scan = [end - 1 for end in r_ptr[1:]]  # in the organisation's ranking
    b_count = [0] * len(b_cap)
    o_count = [0] * len(o_cap)
    n_students = len(ptr) - 1
    in_brief = [-1] * n_students
    in_org = [-1] * n_students
    next_edge = ptr[:-1]
    free = [s for s in range(n_students - 1, -1, -1) if ptr[s] < ptr[s + 1]]

    while free:
        s = free.pop()
        e, end = next_edge[s], ptr[s + 1]
        while e < end:
            b, rank = pb[e], e_rank[e]
            org = b_org[b]
            if rank <= b_cut[b] and rank <= o_cut[org]:
                break
            e += 1
        next_edge[s] = e
        if e == end:
            continue  # every choice deleted: s stays unplaced
        in_brief[s], in_org[s] = b, org
        b_count[b] += 1
        o_count[org] += 1

        if b_count[b] > b_cap[b]:
            ranks, start = applicants[b], r_ptr[org]
            q = b_scan[b]
            while in_brief[r_student[start + ranks[q]]] != b:
                q -= 1
            b_scan[b] = q  # p is full again below: the search for its new worst resumes here
            worst = r_student[start + ranks[q]]
            in_brief[worst] = in_org[worst] = -1
            b_count[b] -= 1
            o_count[org] -= 1
            free.append(worst)
        elif o_count[org] > o_cap[org]:
            q = o_scan[org]
            while in_org[r_student[q]] != org:
                q -= 1
            o_scan[org] = q
            worst = r_student[q]
            b_count[in_brief[worst]] -= 1
            o_count[org] -= 1
            in_brief[worst] = in_org[worst] = -1
            free.append(worst)

        if b_count[b] == b_cap[b]:
            ranks, start = applicants[b], r_ptr[org]
            q = b_scan[b]
            while in_brief[r_student[start + ranks[q]]] != b:
                q -= 1
            b_scan[b] = q
            b_cut[b] = ranks[q]
        if o_count[org] == o_cap[org]:
            q = o_scan[org]
            while in_org[r_student[q]] != org:
                q -= 1
            o_scan[org] = q
            o_cut[org] = q - r_ptr[org]

    return in_brief
