"""Average linkage with one group per existing code: codes never split, a record joins a customer
when it is close to the customer as a whole, and two codes merge only when close on average."""

from __future__ import annotations

from crmclean.master.linkage import _average_linkage


def scores(pairs: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    return {(min(a, b), max(a, b)): s for (a, b), s in pairs.items()}


def test_a_record_close_to_one_record_of_a_code_but_not_to_the_code_stays_apart():
    # code A = records 0 and 1; new record 2 matches 0 (0.99) but record 1 is another person (0.1)
    groups = [[0, 1], [2]]
    result = _average_linkage(groups, scores({(0, 2): 0.99, (1, 2): 0.1}), 0.9)
    assert sorted(parts for parts, _ in result) == [[0], [1]]


def test_a_record_close_to_the_whole_code_joins_it():
    groups = [[0, 1], [2]]
    result = _average_linkage(groups, scores({(0, 2): 0.99, (1, 2): 0.95}), 0.9)
    assert [parts for parts, _ in result] == [[0, 1]]


def test_a_bridge_merges_two_codes_and_says_at_what_score():
    # code groups 0 (records 0) and 1 (record 1); new record 2 matches both; 0~1 is 0.85 by itself
    groups = [[0], [1], [2]]
    result = _average_linkage(groups, scores({(0, 2): 0.999, (1, 2): 0.996, (0, 1): 0.85}), 0.9)
    assert len(result) == 1
    parts, at = result[0]
    assert parts == [0, 1, 2] and 0.9 <= at[1] < 0.93  # code 1 joined at (0.85 + 0.996) / 2
    weak = _average_linkage(groups, scores({(0, 2): 0.999, (1, 2): 0.996, (0, 1): 0.7}), 0.9)
    assert sorted(p for p, _ in weak) == [[0, 2], [1]]  # too far apart on average: no merge


def test_codes_are_never_split():
    # the records of one code are one group from the start, however they score with each other
    result = _average_linkage([[0, 1, 2]], {}, 0.9)
    assert result == [([0], {})]
