import pytest

from core.domain.usernames import parse_usernames, split_usernames, validate_username


@pytest.mark.parametrize("raw, expected", [
    ("natgeo", "natgeo"),
    ("@natgeo", "natgeo"),
    ("  @NatGeo  ", "natgeo"),
    ("user.name_1", "user.name_1"),
    ("_under_", "_under_"),
    ("a" * 30, "a" * 30),
])
def test_valid_usernames_are_normalised_to_lower_case_without_at(raw, expected):
    assert validate_username(raw) == expected


@pytest.mark.parametrize("raw, rule", [
    ("", "is empty"),
    ("@", "is empty"),
    ("a" * 31, "longer than 30"),
    ("bad-name", "only letters"),
    ("spa ce", "only letters"),
    ("émile", "only letters"),
    (".leading", "start or end"),
    ("trailing.", "start or end"),
    ("two..dots", "'..'"),
    ("x'; DROP TABLE analyses; --", "only letters"),
    ("<script>", "only letters"),
    ("nul\x00byte", "only letters"),
    ("ｎａｔｇｅｏ", "only letters"),
])
def test_invalid_usernames_name_the_rule_they_break(raw, rule):
    with pytest.raises(ValueError, match=rule.replace(".", r"\.").replace("'", "'")):
        validate_username(raw)


def test_a_submission_splits_on_new_lines_commas_and_spaces():
    assert split_usernames("one, @two\nthree  four;five") == ["one", "@two", "three", "four", "five"]


def test_parsing_deduplicates_and_keeps_order():
    valid, rejected = parse_usernames("@B a b A")
    assert valid == ["b", "a"]
    assert rejected == []


def test_parsing_reports_each_rejected_name_with_its_reason():
    valid, rejected = parse_usernames(["ok_name", "bad..name", "-x-"])
    assert valid == ["ok_name"]
    assert [(r.raw, r.reason) for r in rejected] == [
        ("bad..name", "may not contain '..'"),
        ("-x-", "may contain only letters a-z, digits, '.' and '_'"),
    ]
